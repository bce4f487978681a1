"""The packaged socket layout against a Postfix run the Debian way: smtpd
and cleanup chrooted in the queue directory (chroot = y in master.cf), the
milter's socket in QUEUE/autoresponder/milter.sock, and main.cf naming it
relative to the jail: smtpd_milters = unix:/autoresponder/milter.sock.

The out-of-office scenarios run unchanged through that layout: the original
passes smtpd's milter, the reply (sendmail -> pickup -> cleanup) passes
cleanup's, and a reply is never answered.
"""

import os
import unittest

from harness.mail_system import MailSystemCase
from test_out_of_office import ReplyAndLoopScenarios


class OutOfOfficeThroughChrootedPostfix(ReplyAndLoopScenarios, MailSystemCase):
    transport = "sendmail"
    milter_in_chroot = True
    reply_entry = r"postfix/pickup\[\d+\]: QID: uid=0 from=<>"

    def test_main_cf_names_the_socket_inside_the_jail(self):
        self.assertEqual(self.system.milters, "unix:/autoresponder/milter.sock")
        self.assertTrue(os.path.exists(os.path.join(self.system.postfix.queue_dir,
                                                    "autoresponder", "milter.sock")))

    def test_smtpd_and_cleanup_really_run_chrooted(self):
        # Without the chroot this layout would prove nothing: a daemon that
        # is not jailed resolves /autoresponder/milter.sock against "/".
        self.send_to_alice("chroot-check@example.net", "Who is jailed?")
        queue_dir = os.path.realpath(self.system.postfix.queue_dir)
        for daemon in ("smtpd", "cleanup"):
            roots = self.system.postfix.process_roots(daemon)
            self.assertTrue(roots, "no %s of this instance is running" % daemon)
            for root in roots:
                self.assertEqual(os.path.realpath(root), queue_dir, daemon)
        self.dispatch()


if __name__ == "__main__":
    unittest.main()
