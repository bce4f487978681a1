"""DKIM-signed replies and sequence mail: Debian's OpenDKIM (a key made by
opendkim-genkey, KeyTable and SigningTable in the work directory) signs what
autoresponder-dispatcher reinjects into a private Postfix, and what Postfix
delivers to the sink verifies with dkimpy (python3-dkim) against the public
key opendkim-genkey wrote for DNS.

Two reinjection paths, each with an out-of-office reply and a sequence step:
  - transport = smtp into the reinjection listener of
    conf/postfix-master.cf.example, taken from that file as shipped (only
    the port, the chroot column and the signer's socket are this test's):
    the documented lines must keep the signer; once with the signer alone,
    once with the signer and autoresponder-milter;
  - transport = sendmail with non_smtpd_milters = the signer and
    autoresponder-milter, which sees its own mail there and leaves it alone.

The verifier is shown to check: the same delivered message with one byte of
its Subject changed must not verify.
"""

import os
import re
import shutil
import tempfile

from harness import net
from harness.mail_system import (AUTORESPONDER_MILTER, MailSystemCase, build_message,
                                 skip_or_fail)
from harness.opendkim_signer import OpenDkimSigner, opendkim_missing

try:
    import dkim  # Debian's python3-dkim (dkimpy)
except ImportError:  # checked in setUpClass: a skip, or a failure under CTest
    dkim = None

HERE = os.path.dirname(os.path.abspath(__file__))
MASTER_CF_EXAMPLE = os.path.join(HERE, "..", "..", "conf", "postfix-master.cf.example")

DOMAIN = "shop.example"
AWAY = "ole@shop.example"
LEADS = "leads@shop.example"
DAY = 86400

SEQUENCE = """\
[sequence]
name = welcome
from = Nettbutikken <shop@shop.example>
list_id = welcome.shop.example

[trigger]
direction = smtp
recipient = ^leads@shop\\.example$
person = envelope-sender

[step hello]
when = 1d after enrolment
template = hello.txt
"""

TEMPLATE = """\
Subject: Velkommen til Nettbutikken

Hei {{email}}!

Takk for interessen. Koden din er {{coupon}}.
"""


def reinjection_service(port, signer_milter):
    """The service lines of conf/postfix-master.cf.example, as shipped, with
    this test's port, chroot "n" (the harness's Postfix has no chroot) and
    the signer's socket in smtpd_milters."""
    with open(MASTER_CF_EXAMPLE, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f
                 if line.strip() and not line.lstrip().startswith("#")]
    if not lines or not lines[0].startswith("127.0.0.1:10026 "):
        raise AssertionError("%s: no 127.0.0.1:10026 service line" % MASTER_CF_EXAMPLE)
    fields = lines[0].split()
    fields[0] = "127.0.0.1:%d" % port
    fields[4] = "n"
    service = [" ".join(fields)]
    for line in lines[1:]:
        if re.match(r"\s+-o\s+smtpd_milters=", line):
            line = "  -o smtpd_milters=" + signer_milter
        service.append(line)
    if not any("smtpd_milters=" + signer_milter in line for line in service):
        raise AssertionError("%s: the service sets no smtpd_milters" % MASTER_CF_EXAMPLE)
    return "\n".join(service) + "\n"


class DkimSigningSteps:
    """Shared steps; mixed into a MailSystemCase. Subclasses say how the
    dispatcher reaches Postfix and where the signer is attached."""

    signer = None

    @classmethod
    def setUpClass(cls):
        reason = opendkim_missing()
        if reason is None and dkim is None:
            reason = "the dkim module is missing (Debian package python3-dkim; run " \
                     "/usr/bin/python3)"
        if reason is not None:
            skip_or_fail(reason)
        signer_root = tempfile.mkdtemp(prefix="ar-opendkim-")
        cls.addClassCleanup(shutil.rmtree, signer_root, True)
        cls.signer = OpenDkimSigner(signer_root, DOMAIN)
        cls.addClassCleanup(cls.signer.stop)
        cls.signer.start()
        super().setUpClass()
        programs = cls.system.programs
        programs.set_out_of_office(AWAY, "Ole er på ferie til mandag.", display_name="Ole Hansen")
        cls.system.say("  signer: OpenDKIM on %s, d=%s s=%s; rule: %s away" % (
            cls.signer.postfix_milter, DOMAIN, cls.signer.selector, AWAY))

    @classmethod
    def extra_program_options(cls, root):
        sequence_dir = os.path.join(root, "sequences")
        os.makedirs(sequence_dir)
        with open(os.path.join(sequence_dir, "welcome.sequence"), "w", encoding="utf-8") as f:
            f.write(SEQUENCE)
        with open(os.path.join(sequence_dir, "hello.txt"), "w", encoding="utf-8") as f:
            f.write(TEMPLATE)
        key_file = os.path.join(root, "secret.key")
        with open(key_file, "wb") as f:
            f.write(b"dkim-test-secret-key-0123456789abcdef\n")
        os.chmod(key_file, 0o600)
        return {"sequence_dir": sequence_dir, "secret_key_file": key_file,
                "unsubscribe_url": "https://shop.example/u/{token}"}

    # --- steps ---

    def send(self, sender, recipient, subject):
        """One message over SMTP into the main smtpd (autoresponder-milter
        only); waits until the sink has it."""
        data, _ = build_message(sender, recipient, subject)
        before = self.system.sink.count()
        self.system.send_smtp(sender, [recipient], data)
        self.system.wait_for_messages(before + 1)

    def dispatch(self):
        """dispatcher --once; returns what reached the sink meanwhile."""
        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.say("  run   autoresponder-dispatcher --once")
        self.system.programs.dispatch_once()
        arrived = self.system.settle()[before:]
        self.assertEqual(self.system.programs.failed_replies(), [])
        return arrived

    def assert_signed_and_verifies(self, message, also_signed=()):
        """The delivered message carries one DKIM-Signature by our signer
        over the usual fields and also_signed that verifies; a copy with its
        Subject changed does not."""
        signatures = message.message.get_all("DKIM-Signature") or []
        self.assertEqual(len(signatures), 1, "one DKIM-Signature:\n%s" % message.data[:3000])
        tags = dict(
            (name.strip(), value.strip())
            for name, _, value in (t.partition("=") for t in
                                   re.sub(r"\s+", "", str(signatures[0])).split(";") if t))
        self.assertEqual(tags.get("d"), DOMAIN)
        self.assertEqual(tags.get("s"), self.signer.selector)
        signed = [h.lower() for h in tags.get("h", "").split(":")]
        for field in ("from", "to", "subject", "date", "message-id", "auto-submitted") + \
                tuple(also_signed):
            self.assertIn(field, signed, "signed header fields: %s" % signed)
        verified = dkim.verify(message.data, dnsfunc=self.signer.dkim_txt_lookup)
        self.system.say("  dkim  %s  d=%s s=%s h=%s: %s" % (
            message.summary(), tags.get("d"), tags.get("s"), tags.get("h"),
            "verifies" if verified else "DOES NOT VERIFY"))
        self.assertTrue(verified, "DKIM signature does not verify:\n%s" %
                        message.data.decode("utf-8", "replace"))
        tampered = re.sub(rb"(?im)^(Subject:\s*)(\S)", lambda m: m.group(1) + (
            b"X" if m.group(2) != b"X" else b"Y"), message.data, count=1)
        self.assertNotEqual(tampered, message.data)
        self.assertFalse(dkim.verify(tampered, dnsfunc=self.signer.dkim_txt_lookup),
                         "a changed Subject must not verify")

    # --- the scenarios ---

    def test_out_of_office_reply_is_signed(self):
        sender = "kunde.%s@example.net" % type(self).__name__.lower()
        self.send(sender, AWAY, "Spørsmål om bestilling")
        arrived = self.dispatch()
        self.assertEqual(len(arrived), 1, [m.summary() for m in arrived])
        reply = arrived[0]
        self.assertEqual(reply.rcpt_tos, [sender])
        self.assertIn(AWAY, reply.header("From"))
        self.assertTrue(reply.header("X-Autoresponder-Milter"), "the loop marker")
        self.assert_signed_and_verifies(reply)
        # Our own mail came back through Postfix: nothing answers it.
        self.assertEqual(self.dispatch(), [])
        self.assertEqual(self.system.programs.queued_replies(), [])

    def test_sequence_mail_is_signed(self):
        person = "lead.%s@example.net" % type(self).__name__.lower()
        self.send(person, LEADS, "Kontaktskjema")
        programs = self.system.programs
        programs.set_clock(programs.clock() + DAY)
        arrived = self.dispatch()
        self.assertEqual(len(arrived), 1, [m.summary() for m in arrived])
        step = arrived[0]
        self.assertEqual(step.rcpt_tos, [person])
        self.assertTrue(step.mail_from.startswith("bounces+"), step.mail_from)
        self.assertEqual(step.header("List-Id"), "<welcome.shop.example>")
        self.assertEqual(step.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
        # RFC 8058 section 4: one-click unsubscription counts only when the
        # signature covers both fields.
        self.assert_signed_and_verifies(step, ("list-id", "list-unsubscribe",
                                               "list-unsubscribe-post"))
        self.assertEqual(self.dispatch(), [])


class DkimSignedOverReinjectionListener(DkimSigningSteps, MailSystemCase):
    """transport = smtp into conf/postfix-master.cf.example's listener, whose
    smtpd_milters is the signer only."""

    transport = "smtp"
    reinjection_port = None

    @classmethod
    def extra_program_options(cls, root):
        cls.reinjection_port = net.free_port()
        options = super().extra_program_options(root)
        options["smtp_port"] = str(cls.reinjection_port)
        return options

    @classmethod
    def extra_postfix_services(cls, root):
        return reinjection_service(cls.reinjection_port, cls.signer.postfix_milter)


class DkimSignedOverListenerWithBothMilters(DkimSignedOverReinjectionListener):
    """The same listener with smtpd_milters = the signer and
    autoresponder-milter: the signature holds, and nothing answers or
    enrols from our own mail."""

    @classmethod
    def extra_postfix_services(cls, root):
        return reinjection_service(cls.reinjection_port, "%s,%s" % (
            cls.signer.postfix_milter, AUTORESPONDER_MILTER))


class DkimSignedOverSendmail(DkimSigningSteps, MailSystemCase):
    """transport = sendmail; non_smtpd_milters = the signer, then
    autoresponder-milter (postfix-main.cf.example)."""

    transport = "sendmail"

    @classmethod
    def extra_postfix_options(cls, root):
        return {"non_smtpd_milters": "%s, $smtpd_milters" % cls.signer.postfix_milter}
