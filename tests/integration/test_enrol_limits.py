"""Enrolment abuse limits end to end: a flood of forged contact-form mails.

A contact-form sequence enrols the address in Reply-To, which anyone can
forge. Its trigger takes mail only from the web server's client address
(client = 127.0.0.1, which is where this test's SMTP client connects from:
the milter learns it from Postfix's {client_addr} macro) and allows
enrol_source_limit = 3/1h. Eight forms, each naming another victim, go
into the private Postfix over SMTP from that one client:

  - all eight are delivered to the sink untouched (the limit never harms
    mail flow);
  - exactly three people are enrolled (autoresponder-ctl person show) and
    the dispatcher mails exactly those three;
  - the milter logs one warning per refused form, and
    autoresponder_sequence_rate_limited_total{sequence="form",scope="client"}
    reads 5 in the milter's Prometheus textfile and in autoresponder-ctl stats.

A second sequence whose trigger wants client = 192.0.2.0/24 never enrols
mail from 127.0.0.1: the client condition reads the real macro.
"""

import os
import re
import unittest

from harness import net
from harness.mail_system import MailSystemCase, build_message

SECRET_KEY = b"integration-test-key-not-secret-0123456789"
FORMS = 8
LIMIT = 3
DAY = 86400

FORM_SEQUENCE = """[sequence]
name = form
from = Shop <shop@shop.example>
enrol_source_limit = %d/1h

[trigger]
recipient = ^leads@shop\\.example$
client = 127.0.0.1, ::1
person = reply-to

[step hello]
when = 1d after enrolment
template = hello.txt
""" % LIMIT

ELSEWHERE_SEQUENCE = """[sequence]
name = partner-form
from = Shop <shop@shop.example>

[trigger]
recipient = ^partners@shop\\.example$
client = 192.0.2.0/24
person = reply-to

[step hello]
when = 1d after enrolment
template = hello.txt
"""

TEMPLATE = "Subject: Thank you for your question\n\nWe will answer soon.\n"


def victim(i):
    return "victim%d@example.net" % i


class EnrolLimitsTest(MailSystemCase):
    transport = "sendmail"

    @classmethod
    def extra_program_options(cls, root):
        directory = os.path.join(root, "sequences")
        os.makedirs(directory)
        for name, text in (("form.sequence", FORM_SEQUENCE),
                           ("partner-form.sequence", ELSEWHERE_SEQUENCE),
                           ("hello.txt", TEMPLATE)):
            with open(os.path.join(directory, name), "w") as f:
                f.write(text)
        key_file = os.path.join(root, "secret.key")
        with open(key_file, "wb") as f:
            f.write(SECRET_KEY)
        os.chmod(key_file, 0o600)
        cls.metrics_file = os.path.join(root, "milter.prom")
        return {"sequence_dir": directory, "secret_key_file": key_file,
                "milter_metrics_file": cls.metrics_file}

    def send_form(self, to, person, number):
        data, _ = build_message(
            "Contact form <www-data@shop.example>", to, "Contact form: question",
            message_id="<form-%d@web.shop.example>" % number,
            headers=[("Reply-To", "Visitor %d <%s>" % (number, person))],
            body="Please send me everything about http://attacker.example/%d\r\n" % number)
        self.system.send_smtp("www-data@shop.example", [to], data,
                              note="  Reply-To: %s" % person)
        return data

    def enrolled(self, person):
        shown = self.system.programs.ctl("person", "show", person)
        return re.findall(r"^sequence (\S+)$", shown, re.M)

    def rate_limited_sample(self, text):
        match = re.search(r'^autoresponder_sequence_rate_limited_total\{sequence="form",'
                          r'scope="client"\} (\d+)$', text, re.M)
        return int(match.group(1)) if match else None

    def test_a_flood_from_one_client_enrols_only_the_limit(self):
        before = self.system.sink.count()
        sent = {}
        for i in range(FORMS):
            sent[victim(i)] = self.send_form("leads@shop.example", victim(i), i)
        messages = self.system.wait_for_messages(before + FORMS)[before:]
        self.system.settle()

        # Every form reached its recipient, unchanged by the milter.
        self.assertEqual(len(messages), FORMS)
        for message in messages:
            self.assertEqual(message.rcpt_tos, ["leads@shop.example"])
            self.assertIn("attacker.example", message.text_body())
        self.assertEqual(sorted(m.header("Reply-To") for m in messages),
                         sorted("Visitor %d <%s>" % (i, victim(i)) for i in range(FORMS)))

        # Only the first LIMIT people are in the sequence.
        for i in range(FORMS):
            self.assertEqual(self.enrolled(victim(i)), ["form"] if i < LIMIT else [],
                             victim(i))
        log = self.system.programs.log_text("milter")
        refused = re.findall(r"victim\d@example\.net: not enrolled in form: enrol_source_limit "
                             r"3/1h reached for client 127\.0\.0\.1", log)
        self.assertEqual(len(refused), FORMS - LIMIT, log[-3000:])
        # The decision lines, not their copies in the debug trail (the trail
        # shows what the decision wanted, before the store's limit refused it).
        decisions = "\n".join(line for line in log.splitlines() if "trail: " not in line)
        self.assertEqual(len(re.findall(r"enrolled in form \(trigger\)", decisions)), LIMIT)

        # The counter, in the textfile and in ctl stats.
        self.assertTrue(net.wait_until(
            lambda: self.rate_limited_sample(self._read(self.metrics_file)) == FORMS - LIMIT,
            15.0), self._read(self.metrics_file))
        prometheus = self.system.programs.ctl("stats", "--prometheus")
        self.assertEqual(self.rate_limited_sample(prometheus), FORMS - LIMIT, prometheus)
        human = self.system.programs.ctl("stats")
        self.assertRegex(human, r"sequence_rate_limited_total:\n\s+form,client\s+%d\n"
                         % (FORMS - LIMIT))

        # A day later the dispatcher mails the three, and nobody else.
        self.system.programs.set_clock(self.system.programs.clock() + DAY)
        before = self.system.sink.count()
        self.system.programs.dispatch_once()
        self.system.settle()
        steps = self.system.sink.messages()[before:]
        self.assertEqual(sorted(m.rcpt_tos[0] for m in steps),
                         sorted(victim(i) for i in range(LIMIT)))

    def test_client_condition_refuses_other_clients(self):
        before = self.system.sink.count()
        self.send_form("partners@shop.example", "partner@example.net", 100)
        self.system.wait_for_messages(before + 1)
        self.system.settle()
        self.assertEqual(self.enrolled("partner@example.net"), [])
        log = self.system.programs.log_text("milter")
        self.assertNotIn("partner@example.net: enrolled", log)

    @staticmethod
    def _read(path):
        try:
            with open(path, encoding="utf-8") as f:
                return f.read()
        except OSError:
            return ""


if __name__ == "__main__":
    unittest.main()
