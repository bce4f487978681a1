"""require_authenticated_sender end to end, through the real Postfix.

No SPF or DKIM verifier is attached, so the private Postfix plays our MTA's
verifier: a check_sender_access table PREPENDs, per envelope sender, the
Authentication-Results field a verifier with our authserv-id would add. A
PREPEND lands above Postfix's own Received field, where a policy service such
as policyd-spf puts its field, and the milter sees it at end of message.
A second Postfix runs the man page's header_checks rule that removes
incoming fields carrying our authserv-id, with no verifier at all.

Each test uses its own sender (a sender is answered once per period).
"""

import os
import unittest

from harness.mail_system import MailSystemCase, build_message

ALICE = "alice@example.org"
TRUSTED_ID = "mx.integration.test"  # the private Postfix's myhostname

# What "our verifier" reports for each envelope sender.
VERDICTS = {
    "carol@example.net": "spf=pass smtp.mailfrom=carol@example.net",
    "dave@example.net": "spf=none smtp.mailfrom=dave@example.net; dkim=pass header.d=example.net",
    # Mallory sends with victims' addresses as MAIL FROM; their SPF fails.
    "victim1@victim.example": "spf=fail smtp.mailfrom=victim1@victim.example",
    "victim2@victim.example":
        "spf=fail smtp.mailfrom=victim2@victim.example; dkim=pass header.d=attacker.example",
}


class AuthenticatedSenderSteps:
    """Shared steps; mixed into a MailSystemCase."""

    transport = "sendmail"
    program_options = {"require_authenticated_sender": "yes",
                       "trusted_authserv_id": TRUSTED_ID}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system.programs.set_out_of_office(ALICE, "I am away", display_name="Alice Away")

    def send_to_alice(self, sender, subject, from_header=None, headers=()):
        """Sends over SMTP, waits for delivery; returns the delivered copy."""
        data, _ = build_message(from_header or sender, ALICE, subject, headers=headers)
        before = self.system.sink.count()
        self.system.send_smtp(sender, [ALICE], data)
        [delivered] = self.system.wait_for_messages(before + 1)[before:]
        return delivered

    def replies(self):
        """dispatcher --once; the messages that arrived meanwhile."""
        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.programs.dispatch_once()
        arrived = self.system.settle()[before:]
        self.assertEqual(self.system.programs.queued_replies(), [])
        return arrived

    def assert_skipped_unauthenticated(self, sender):
        self.assertIn("no reply to %s for %s: not-authenticated" % (sender, ALICE),
                      self.system.programs.log_text("milter"))

    def assert_field_on_top(self, delivered, sender):
        """The emulated verifier's field is the topmost header field."""
        first = delivered.data.split(b"\r\n", 1)[0].decode()
        self.assertEqual(first, "Authentication-Results: %s; %s" % (TRUSTED_ID, VERDICTS[sender]))


class AuthenticatedSenderOverPostfix(AuthenticatedSenderSteps, MailSystemCase):
    @classmethod
    def extra_postfix_options(cls, root):
        table = os.path.join(root, "verifier_access")
        with open(table, "w") as f:
            for sender, verdict in VERDICTS.items():
                f.write("%s PREPEND Authentication-Results: %s; %s\n" % (
                    sender, TRUSTED_ID, verdict))
        # texthash needs no postmap.
        return {"smtpd_sender_restrictions": "check_sender_access texthash:" + table}

    def test_sender_our_mta_vouches_for_with_spf_gets_a_reply(self):
        delivered = self.send_to_alice("carol@example.net", "Lunch?")
        self.assert_field_on_top(delivered, "carol@example.net")
        self.assertEqual([m.rcpt_tos for m in self.replies()], [["carol@example.net"]])

    def test_dkim_pass_for_the_envelope_sender_domain_gets_a_reply(self):
        self.send_to_alice("dave@example.net", "Meeting notes")
        self.assertEqual([m.rcpt_tos for m in self.replies()], [["dave@example.net"]])

    def test_forged_trusted_field_from_outside_gets_no_reply(self):
        # Mallory writes our authserv-id into the message; our verifier's own
        # field, above it, says the victim's SPF failed.
        delivered = self.send_to_alice(
            "victim1@victim.example", "Please reply",
            headers=[("Authentication-Results",
                      "%s; spf=pass smtp.mailfrom=victim1@victim.example" % TRUSTED_ID)])
        self.assert_field_on_top(delivered, "victim1@victim.example")
        self.assertEqual([m.summary() for m in self.replies()], [])
        self.assert_skipped_unauthenticated("victim1@victim.example")

    def test_attackers_own_dkim_pass_gets_no_reply_to_the_victim(self):
        # Mallory signs with her own domain; From is hers, MAIL FROM the victim's.
        self.send_to_alice("victim2@victim.example", "Invoice",
                           from_header="Mallory <mallory@attacker.example>")
        self.assertEqual([m.summary() for m in self.replies()], [])
        self.assert_skipped_unauthenticated("victim2@victim.example")


class ForgedFieldsRemovedInFront(AuthenticatedSenderSteps, MailSystemCase):
    """The header_checks rule of autoresponder-milter(8), AUTHENTICATED
    SENDERS, in front of the milter, with no verifier at all: a forged field
    at the top of the message as received, where our verifier's own field
    would be, is gone before the milter sees it."""

    @classmethod
    def extra_postfix_options(cls, root):
        table = os.path.join(root, "header_checks")
        with open(table, "w") as f:
            f.write("/^Authentication-Results[[:space:]]*:.*%s/ IGNORE\n"
                    % TRUSTED_ID.replace(".", "\\."))
        return {"header_checks": "regexp:" + table}

    def test_forged_fields_are_removed_before_the_milter(self):
        forged = [
            "%s; spf=pass smtp.mailfrom=frank@example.net" % TRUSTED_ID,
            "(our verifier) MX.Integration.Test; spf=pass smtp.mailfrom=frank@example.net",
            "\r\n %s;\r\n dkim=pass header.d=example.net" % TRUSTED_ID,
        ]
        for value in forged:
            delivered = self.send_to_alice(
                "frank@example.net", "Forged: %s" % value.strip().split(";")[0],
                headers=[("Authentication-Results", value)])
            self.assertNotIn(b"Authentication-Results", delivered.data)
        self.assertEqual([m.summary() for m in self.replies()], [])
        self.assert_skipped_unauthenticated("frank@example.net")

    def test_id_hidden_from_the_rule_by_quoted_pairs_is_not_ours(self):
        # The rule cannot see the id in "mx.inte\gration.test"; the milter
        # never takes an id spelled with quoted-pairs for its own.
        hidden = r'"mx.inte\gration.test"; spf=pass smtp.mailfrom=gina@example.net'
        delivered = self.send_to_alice("gina@example.net", "Hidden id",
                                       headers=[("Authentication-Results", hidden)])
        self.assertIn(b"\r\nAuthentication-Results: " + hidden.encode() + b"\r\n",
                      delivered.data)
        self.assertEqual([m.summary() for m in self.replies()], [])
        self.assert_skipped_unauthenticated("gina@example.net")


if __name__ == "__main__":
    unittest.main()
