"""The packaged socket layout against a Postfix run the Debian way: smtpd
and cleanup chrooted in the queue directory (chroot = y in master.cf), the
milter's socket in QUEUE/autoresponder/milter.sock, and main.cf naming it
relative to the jail: smtpd_milters = unix:/autoresponder/milter.sock.

The out-of-office scenarios run unchanged through that layout: the original
passes smtpd's milter, the reply (sendmail -> pickup -> cleanup) passes
cleanup's, and a reply is never answered.
"""

import os
import socket
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

    def test_doctor_confirms_the_layout_and_probes_reinjection_without_sending(self):
        system = self.system
        before = system.sink.count()
        output = system.programs.ctl(
            "--service_user", "root", "--transport", "smtp", "--smtp_host", "127.0.0.1",
            "--smtp_port", str(system.postfix.smtp_port),
            "doctor", "--postfix-config", system.postfix.config_dir, check=False)
        system.say(output)
        socket_path = system.programs.unix_socket
        self.assertIn("ok      socket: %s is reachable by postfix inside the chroot %s" % (
            socket_path, system.postfix.queue_dir), output)
        self.assertIn("smtpd_milters names the milter", output)
        self.assertIn("non_smtpd_milters names the milter", output)
        self.assertIn("ok      reinjection: 127.0.0.1:%d accepts a reply up to RCPT" %
                      system.postfix.smtp_port, output)
        # RSET before DATA: Postfix received nothing to deliver.
        system.postfix.wait_idle()
        self.assertEqual(system.sink.count(), before)

    def test_doctor_reports_a_socket_the_chrooted_smtpd_cannot_see(self):
        # A listening socket where the old unit put it: outside the jail.
        outside = os.path.join(self.root, "outside.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.addCleanup(listener.close)
        listener.bind(outside)
        listener.listen(1)
        output = self.system.programs.ctl(
            "--service_user", "root", "doctor", "--postfix-config",
            self.system.postfix.config_dir, "--socket", "unix:" + outside, check=False)
        self.system.say(output)
        self.assertIn("PROBLEM socket: smtpd runs chrooted in %s and cannot see %s" % (
            self.system.postfix.queue_dir, outside), output)
        self.assertIn("smtpd_milters = unix:/autoresponder/milter.sock", output)


if __name__ == "__main__":
    unittest.main()
