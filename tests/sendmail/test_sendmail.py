"""autoresponder-milter behind a real Sendmail: mail arrives over SMTP at a
private Sendmail (see sendmail_instance.py), which calls the milter as
INPUT_MAIL_FILTER and relays everything to the SMTP sink. The reply is sent
by autoresponder-dispatcher --once with transport=smtp back into the same
Sendmail, which relays it to the sink too.

What this proves beyond the Postfix tests: Sendmail's milter protocol and
macro set (the queue id `i` comes from Sendmail's ENVFROM/EOM macros), and
F=T (mail is deferred while the milter is down). The milter lines of the
generated sendmail.cf are those of conf/sendmail.mc.example (with F=T), so
the shipped example is what is tested.
"""

import os
import re
import shutil
import smtplib
import sys
import tempfile
import unittest

from harness import milter_process
from harness.mail_system import build_message, skip_or_fail, strip_trace_headers
from harness.smtp_sink import SmtpSink

from sendmail_instance import SendmailInstance, sendmail_missing

ALICE = "alice@example.org"
ALICE_NAME = "Alice Away"
ALICE_TEXT = "I am away until Monday"


def say(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


class SendmailMilter(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        reason = milter_process.binaries_missing() or sendmail_missing()
        if reason is not None:
            skip_or_fail(reason)
        cls.root = tempfile.mkdtemp(prefix="ar-sendmail-")
        cls.addClassCleanup(cls._remove_root)
        cls.sink = SmtpSink(os.path.join(cls.root, "sink")).start()
        cls.addClassCleanup(cls.sink.stop)
        cls.programs = milter_process.AutoresponderPrograms(
            os.path.join(cls.root, "programs"), transport="smtp")
        cls.addClassCleanup(cls.programs.stop)
        cls.sendmail = SendmailInstance(os.path.join(cls.root, "sendmail"),
                                        relay_port=cls.sink.port,
                                        milter_socket=cls.programs.milter_socket)
        cls.addClassCleanup(cls.sendmail.stop)
        cls.sendmail.prepare()
        # The dispatcher reinjects replies into the same Sendmail.
        cls.programs.smtp_port = cls.sendmail.port
        cls.programs.set_clock(milter_process.now_for_tests())
        cls.programs.write_config()
        cls.programs.start_milter()
        cls.sendmail.start()
        say("\n== %s (work dir %s)" % (cls.__name__, cls.root))
        say("  sendmail on 127.0.0.1:%d, sink on 127.0.0.1:%d, milter %s" % (
            cls.sendmail.port, cls.sink.port, cls.programs.milter_socket))
        for line in cls.sendmail.milter_option_lines():
            say("  cf    " + line)
        cls.programs.set_out_of_office(ALICE, ALICE_TEXT, display_name=ALICE_NAME)
        say("  rule  %s (%r, %r)" % (ALICE, ALICE_NAME, ALICE_TEXT))

    @classmethod
    def _remove_root(cls):
        if os.environ.get("AR_KEEP_TMP") == "1" or getattr(cls, "_keep_root", False):
            print("kept %s" % cls.root, file=sys.stderr)
            return
        shutil.rmtree(cls.root, ignore_errors=True)

    def setUp(self):
        say("-- %s" % self._testMethodName)

    def tearDown(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is not None and any(t is self for t, _ in result.errors + result.failures):
            type(self)._keep_root = os.environ.get("CI") != "true"
            say(self.sendmail.diagnostics())
            say("--- autoresponder-milter stderr (tail) ---\n" + self.programs.log_tail("milter"))

    # --- steps ---

    def send(self, sender, subject, headers=()):
        """Sends to Alice through Sendmail and waits for the copy at the
        sink. Returns (sent bytes, Message-ID, Sendmail queue id, delivered)."""
        data, message_id = build_message(sender, ALICE, subject, headers=headers)
        before = self.sink.count()
        queue_id = self.sendmail.submit_smtp(sender, [ALICE], data)
        say("  sent  SMTP  <%s> -> %s  Subject: %r  sendmail queue id %s" % (
            sender, ALICE, subject, queue_id))
        delivered = self.sink.wait_for(before + 1, timeout=30)[before:]
        self.assertEqual(len(delivered), 1, [m.summary() for m in delivered])
        say("  got   sink #%d  %s" % (delivered[0].index, delivered[0].summary()))
        return data, message_id, queue_id, delivered[0]

    def dispatcher_log(self):
        """What every autoresponder-dispatcher --once run wrote to stderr."""
        text = ""
        for name in sorted(os.listdir(self.programs.log_dir)):
            if name.endswith("-dispatcher.stderr"):
                with open(os.path.join(self.programs.log_dir, name), errors="replace") as f:
                    text += f.read()
        return text

    def queued_for(self, recipient):
        return [line for line in self.programs.queued_replies()
                if line.split("\t")[2:3] == [recipient]]

    # --- tests ---

    def test_reply_is_queued_under_the_sendmail_queue_id_and_sent_back_through_sendmail(self):
        sender = "bob@example.net"
        sent, message_id, queue_id, delivered = self.send(sender, "Project status")

        # The milter never changes mail: the original reaches the sink as sent.
        self.assertEqual(delivered.mail_from, sender)
        self.assertEqual(delivered.rcpt_tos, [ALICE])
        self.assertEqual(strip_trace_headers(delivered.data).decode("utf-8", "replace"),
                         sent.decode("utf-8", "replace"))

        # Sendmail's `i` macro reached the milter: its decision names the id.
        self.programs.wait_for_log("milter", "%s: reply queued to %s" % (queue_id, sender))
        queued = self.queued_for(sender)
        self.assertEqual(len(queued), 1, self.programs.queued_replies())
        say("  log   %s" % next(line for line in self.programs.log_text("milter").splitlines()
                                if "%s: reply queued" % queue_id in line))
        say("  queue %s" % queued[0])

        before = self.sink.count()
        say("  run   autoresponder-dispatcher --once (transport=smtp, port %d)" %
            self.sendmail.port)
        self.programs.dispatch_once()
        arrived = self.sink.wait_for(before + 1, timeout=30)[before:]
        self.sendmail.wait_idle()
        arrived = self.sink.messages()[before:]
        self.assertEqual(len(arrived), 1, [m.summary() for m in arrived])
        reply = arrived[0]
        say("  got   sink #%d  %s  In-Reply-To: %s  Auto-Submitted: %s" % (
            reply.index, reply.summary(), reply.header("In-Reply-To"),
            reply.header("Auto-Submitted")))
        self.assertEqual(reply.mail_from, "", "null sender, RFC 3834 section 3.3")
        self.assertEqual(reply.rcpt_tos, [sender])
        self.assertIn(ALICE, reply.header("From"))
        self.assertEqual(reply.header("In-Reply-To"), message_id)
        self.assertEqual(reply.header("Auto-Submitted"), "auto-replied")
        self.assertIn(ALICE_TEXT, reply.text_body())
        # The stored reply kept the original's Sendmail queue id (origin=),
        # and Sendmail accepted the reply under a queue id of its own.
        sent_line = re.search(r"sent item=\d+ to=<%s> origin=(\S+): (.*)" % re.escape(sender),
                              self.dispatcher_log())
        self.assertIsNotNone(sent_line, self.dispatcher_log())
        say("  log   " + sent_line.group(0).strip())
        self.assertEqual(sent_line.group(1), queue_id)
        self.assertRegex(sent_line.group(2), r"^250 .*Message accepted for delivery")
        self.assertEqual(self.queued_for(sender), [])
        self.assertEqual(self.programs.failed_replies(), [])

    def test_mailing_list_mail_through_sendmail_gets_no_reply(self):
        sender = "list-bounces@lists.example.com"
        _, _, queue_id, delivered = self.send(
            sender, "[team] minutes",
            headers=(("List-Id", "<team.lists.example.com>"), ("Precedence", "list")))
        self.assertEqual(delivered.mail_from, sender)
        self.programs.wait_for_log("milter", "%s: no reply to %s" % (queue_id, sender))
        self.assertEqual(self.queued_for(sender), [])

    def test_sendmail_defers_mail_while_the_milter_is_down(self):
        # F=T in INPUT_MAIL_FILTER: temporary failure, never mail without
        # the milter having seen it.
        self.programs.stop()
        try:
            data, _ = build_message("carol@example.net", ALICE, "While down")
            with self.assertRaises(smtplib.SMTPResponseException) as refused:
                self.sendmail.submit_smtp("carol@example.net", [ALICE], data)
            say("  sent  SMTP  <carol@example.net> -> %s: refused %d %s" % (
                ALICE, refused.exception.smtp_code, refused.exception.smtp_error.decode()))
            self.assertEqual(refused.exception.smtp_code // 100, 4)
        finally:
            self.programs.start_milter()


if __name__ == "__main__":
    unittest.main()
