"""Self-test of the integration harness: the sink alone, then a private
Postfix with the sink and no autoresponder programs. Proves that what the
out-of-office tests observe is what Postfix delivered."""

import json
import os
import shutil
import smtplib
import tempfile
import unittest

from harness.mail_system import MailSystemCase, build_message, strip_trace_headers
from harness.smtp_sink import SmtpSink


class SinkAlone(unittest.TestCase):
    def setUp(self):
        self.directory = tempfile.mkdtemp(prefix="ar-sink-")
        self.addCleanup(shutil.rmtree, self.directory, True)
        self.sink = SmtpSink(self.directory).start()
        self.addCleanup(self.sink.stop)

    def test_records_envelope_and_unstuffed_content(self):
        data = b"Subject: dots\r\n\r\n.leading dot\r\n..two\r\nend\r\n"
        with smtplib.SMTP("127.0.0.1", self.sink.port, timeout=10) as client:
            client.sendmail("", ["x@example.org", "y@example.org"], data)
        [message] = self.sink.wait_for(1, timeout=5)
        self.assertEqual(message.mail_from, "")
        self.assertEqual(message.rcpt_tos, ["x@example.org", "y@example.org"])
        self.assertEqual(message.data, data)
        self.assertEqual(message.header("Subject"), "dots")
        with open(os.path.join(self.directory, "001.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["rcpt_tos"], ["x@example.org", "y@example.org"])
        with open(os.path.join(self.directory, "001.eml"), "rb") as f:
            self.assertEqual(f.read(), data)

    def test_wait_for_times_out_naming_what_arrived(self):
        with self.assertRaisesRegex(TimeoutError, "0 of 1"):
            self.sink.wait_for(1, timeout=0.2)


class PostfixRelaysToSink(MailSystemCase):
    with_programs = False

    def test_smtp_message_arrives_unchanged_with_its_envelope(self):
        before = self.system.sink.count()
        data, message_id = build_message("bob@example.net", "alice@example.org", "Harness SMTP")
        queue_id = self.system.send_smtp("bob@example.net",
                                         ["alice@example.org", "carol@example.org"], data)
        self.assertTrue(queue_id)
        message = self.system.wait_for_messages(before + 1)[-1]
        self.assertEqual(message.mail_from, "bob@example.net")
        self.assertEqual(sorted(message.rcpt_tos), ["alice@example.org", "carol@example.org"])
        self.assertEqual(message.header("Message-ID"), message_id)
        self.assertEqual(strip_trace_headers(message.data), data)
        self.system.postfix.wait_for_log(r"%s: to=<alice@example.org>.*status=sent" % queue_id)

    def test_sendmail_message_arrives_with_its_envelope(self):
        before = self.system.sink.count()
        data, message_id = build_message("dora@example.org", "erik@example.net",
                                         "Harness sendmail")
        self.system.send_sendmail("dora@example.org", ["erik@example.net"], data)
        message = self.system.wait_for_messages(before + 1)[-1]
        self.assertEqual(message.mail_from, "dora@example.org")
        self.assertEqual(message.rcpt_tos, ["erik@example.net"])
        self.assertEqual(message.header("Message-ID"), message_id)
        # It went through pickup, the path non_smtpd_milters see.
        self.system.postfix.wait_for_log(r"postfix/pickup\[\d+\]: \w+: uid=0 from=<dora@")

    def test_null_sender_keeps_null_sender(self):
        before = self.system.sink.count()
        data, _ = build_message("MAILER-DAEMON", "bob@example.net", "Null sender",
                                headers=[("Auto-Submitted", "auto-replied")])
        self.system.send_sendmail("", ["bob@example.net"], data)
        message = self.system.wait_for_messages(before + 1)[-1]
        self.assertEqual(message.mail_from, "")
        self.assertEqual(message.rcpt_tos, ["bob@example.net"])

    def test_settle_returns_once_queue_is_empty(self):
        before = self.system.sink.count()
        data, _ = build_message("bob@example.net", "alice@example.org", "Settle")
        self.system.send_smtp("bob@example.net", ["alice@example.org"], data)
        self.system.settle()
        self.assertEqual(self.system.sink.count(), before + 1)


class MilterDownDoesNotStopMail(MailSystemCase):
    with_programs = False
    milter_socket_down = True

    def test_smtp_mail_is_accepted_and_relayed(self):
        before = self.system.sink.count()
        data, _ = build_message("bob@example.net", "alice@example.org", "Milter down SMTP")
        queue_id = self.system.send_smtp("bob@example.net", ["alice@example.org"], data)
        message = self.system.wait_for_messages(before + 1)[-1]
        self.assertEqual(strip_trace_headers(message.data), data)
        # Postfix did try the milter: the default action let the mail pass.
        self.assertRegex(self.system.postfix.log_text(),
                         r"warning: connect to Milter service %s: Connection refused"
                         % self.system.milters)
        self.assertTrue(queue_id)

    def test_sendmail_mail_is_accepted_and_relayed(self):
        before = self.system.sink.count()
        data, _ = build_message("dora@example.org", "erik@example.net", "Milter down local")
        self.system.send_sendmail("dora@example.org", ["erik@example.net"], data)
        message = self.system.wait_for_messages(before + 1)[-1]
        self.assertEqual(message.rcpt_tos, ["erik@example.net"])
        self.system.postfix.wait_for_log(r"postfix/cleanup\[\d+\]: warning: connect to Milter")


if __name__ == "__main__":
    unittest.main()
