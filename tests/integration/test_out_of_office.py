"""Out-of-office replies end to end: real SMTP into a private Postfix with
autoresponder-milter attached, replies sent by autoresponder-dispatcher
--once back through Postfix, everything observed at the SMTP sink.

Each test uses its own sender, because a sender is answered once per period
(RFC 3834 section 2, RFC 5230 section 4.1); time only moves forward.
"""

import re
import unittest

from harness.mail_system import (MailSystemCase, build_message, encode_header_q,
                                 encode_word_b64, strip_trace_headers)

ALICE = "alice@example.org"
ALICE_NAME = "Alice Away"
ALICE_TEXT = "I am away"
# Also away: a reply from Alice to Erin must not make Erin answer (no loop).
ERIN = "erin@example.net"
DAY = 86400


class OutOfOfficeSteps:
    """Shared steps; mixed into a MailSystemCase."""

    # How a reply enters Postfix with this transport: a log line of the
    # reply's queue id (QID stands for it).
    reply_entry = None
    # MAIL FROM of the replies: "" is the null sender <> (the default).
    reply_sender = ""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        programs = cls.system.programs
        programs.set_out_of_office(ALICE, ALICE_TEXT, display_name=ALICE_NAME)
        programs.set_out_of_office(ERIN, "Erin is away too", display_name="Erin Elsewhere")
        cls.system.say("  rules: %s (%r, %r), %s" % (ALICE, ALICE_NAME, ALICE_TEXT, ERIN))

    def send_to_alice(self, sender, subject, headers=()):
        """Sends one message over SMTP and waits until Postfix delivered it
        to the sink (so the milter has seen it); returns (sent bytes,
        Message-ID, the delivered copy)."""
        data, message_id = build_message(sender, ALICE, subject, headers=headers)
        before = self.system.sink.count()
        self.system.send_smtp(sender, [ALICE], data)
        delivered = self.system.wait_for_messages(before + 1)[before:]
        self.assertEqual(len(delivered), 1, [m.summary() for m in delivered])
        return data, message_id, delivered[0]

    def dispatch(self):
        """dispatcher --once, then waits until Postfix delivered whatever it
        sent; returns the messages that arrived meanwhile. Every reply is due
        at once, so afterwards nothing may wait in the store's queue: "no
        reply" means none was queued, not one queued for later."""
        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.say("  run   autoresponder-dispatcher --once")
        self.system.programs.dispatch_once()
        arrived = self.system.settle()[before:]
        self.assertEqual(self.system.programs.queued_replies(), [])
        self.assertEqual(self.system.programs.failed_replies(), [])
        return arrived

    def assert_delivered_unchanged(self, sent, delivered, sender):
        """The milter never blocks or alters mail."""
        self.assertEqual(delivered.mail_from, sender)
        self.assertEqual(delivered.rcpt_tos, [ALICE])
        self.assertEqual(strip_trace_headers(delivered.data).decode("utf-8", "replace"),
                         sent.decode("utf-8", "replace"))

    def assert_one_reply(self, arrived, to, original_message_id, subject):
        self.assertEqual(len(arrived), 1, [m.summary() for m in arrived])
        reply = arrived[0]
        self.assertEqual(reply.mail_from, self.reply_sender,
                         "the reply's MAIL FROM (<> by default, RFC 3834 section 3.3)")
        self.assertEqual(reply.rcpt_tos, [to])
        self.assertIn(ALICE, reply.header("From"))
        self.assertIn(ALICE_NAME, reply.header("From"))
        self.assertIn(to, reply.header("To"))
        self.assertEqual(reply.header("Subject"), subject)
        self.assertEqual(reply.header("In-Reply-To"), original_message_id)
        self.assertIn(original_message_id, reply.header("References") or "")
        auto_submitted = reply.header("Auto-Submitted") or ""
        self.assertEqual(auto_submitted.split(";")[0].strip().lower(), "auto-replied")
        self.assertIn(ALICE_TEXT, reply.text_body())
        return reply

    def assert_reply_went_through_milters(self, reply):
        """The reply entered this Postfix again the transport's way (so the
        milter saw it), and no milter connection failed."""
        log = self.system.postfix.log_text()
        reply_id = reply.header("Message-ID") or ""
        match = re.search(r"postfix/cleanup\[\d+\]: (\w+): message-id=%s" % re.escape(reply_id),
                          log)
        self.assertIsNotNone(match, "the reply %s never passed cleanup" % reply_id)
        self.assertRegex(log, self.reply_entry.replace("QID", match.group(1)))
        self.assertNotRegex(log, r"warning: .*[Mm]ilter")


class ReplyAndLoopScenarios(OutOfOfficeSteps):
    """Run with each transport."""

    def test_replies_once_and_delivers_the_original_unchanged(self):
        sent, message_id, delivered = self.send_to_alice("bob@example.net", "Quarterly report")
        self.assert_delivered_unchanged(sent, delivered, "bob@example.net")
        self.assert_one_reply(self.dispatch(), "bob@example.net", message_id,
                              "Auto: Quarterly report")

        # Within the period: the mail passes, nobody is answered twice.
        sent, _, delivered = self.send_to_alice("bob@example.net", "Quarterly report, again")
        self.assert_delivered_unchanged(sent, delivered, "bob@example.net")
        self.assertEqual(self.dispatch(), [])

    def test_reply_through_postfix_is_not_answered(self):
        # Erin is away too: if the milter answered Alice's auto-reply, Erin's
        # rule would send one back, and so on.
        _, message_id, _ = self.send_to_alice(ERIN, "Are you around?")
        reply = self.assert_one_reply(self.dispatch(), ERIN, message_id,
                                      "Auto: Are you around?")
        self.assert_reply_went_through_milters(reply)
        self.assertEqual(self.dispatch(), [], "an auto-reply must not be answered")


class OutOfOfficeOverSendmail(ReplyAndLoopScenarios, MailSystemCase):
    """Replies go to Postfix's sendmail -C <private config>: pickup, cleanup,
    non_smtpd_milters."""
    transport = "sendmail"
    reply_entry = r"postfix/pickup\[\d+\]: QID: uid=0 from=<>"

    def test_mailing_list_message_gets_no_reply(self):
        sent, _, delivered = self.send_to_alice(
            "carol@example.net", "Weekly digest",
            headers=[("List-Id", "Team news <team.lists.example.net>")])
        self.assert_delivered_unchanged(sent, delivered, "carol@example.net")
        self.assertEqual(self.dispatch(), [])

    def test_russian_subject_comes_back_decoded(self):
        _, message_id, _ = self.send_to_alice("dmitri@example.net",
                                              encode_word_b64("Привет, мир"))
        self.assert_one_reply(self.dispatch(), "dmitri@example.net", message_id,
                              "Auto: Привет, мир")

    def test_norwegian_subject_comes_back_decoded(self):
        _, message_id, _ = self.send_to_alice(
            "ola@example.no", encode_header_q("Blåbærsyltetøy på ÆØÅ", "iso-8859-1"))
        self.assert_one_reply(self.dispatch(), "ola@example.no", message_id,
                              "Auto: Blåbærsyltetøy på ÆØÅ")

    def test_sender_is_answered_again_after_the_period(self):
        programs = self.system.programs
        start = programs.clock()
        _, first_id, _ = self.send_to_alice("petra@example.net", "Before the holiday")
        self.assert_one_reply(self.dispatch(), "petra@example.net", first_id,
                              "Auto: Before the holiday")

        programs.set_clock(start + 3 * DAY)
        self.system.say("  clock +3 days")
        self.send_to_alice("petra@example.net", "Still there?")
        self.assertEqual(self.dispatch(), [])

        programs.set_clock(start + 8 * DAY)
        self.system.say("  clock +8 days (past the 7-day period)")
        _, third_id, _ = self.send_to_alice("petra@example.net", "Back yet?")
        self.assert_one_reply(self.dispatch(), "petra@example.net", third_id,
                              "Auto: Back yet?")


class OutOfOfficeOverSmtp(ReplyAndLoopScenarios, MailSystemCase):
    """Replies go to Postfix's smtpd over SMTP: smtpd_milters see them."""
    transport = "smtp"
    reply_entry = r"postfix/smtpd\[\d+\]: QID: client=localhost\[127\.0\.0\.1\]"


class OutOfOfficeWithEnvelopeSender(ReplyAndLoopScenarios, MailSystemCase):
    """Replies with a real MAIL FROM (reply_envelope_sender): the null sender
    no longer shields Erin, so only the reply's own marks (Auto-Submitted,
    RFC 3834 section 5) stop the loop."""
    transport = "sendmail"
    reply_sender = "autoreply@example.org"
    program_options = {"reply_envelope_sender": "autoreply@example.org"}
    reply_entry = r"postfix/pickup\[\d+\]: QID: uid=0 from=<autoreply@example\.org>"


if __name__ == "__main__":
    unittest.main()
