"""Sequences end to end: mail sent over SMTP into a private Postfix with
autoresponder-milter attached enrols people in the example sequences of
conf/sequences/ (copied into the work directory); the clock file moves time
and autoresponder-dispatcher --once sends what is due, back through Postfix
to the SMTP sink, where every outbound mail is checked.

The stories are those of the sequences issue: a camera lead (and what buying,
replying, staying quiet and answering automatically do to it), orders of
product X with each customer on their own clock, exam and certificate
reminders from captured dates, and the closed loop through the MTA itself
(unsubscribe mail, hard and soft bounces).

How each story is checked:
  - time moves only to the instants where something is due, and one minute
    before each of them the dispatcher must send nothing at all: so every
    mail went out exactly when it was due ("due" in the transcript is the
    clock when it appeared), and no mail went out that the story does not
    name;
  - each sequence mail is checked against what the sequence file and the
    tokens contract (lib/sequence/tokens.h) say: recipient, subject, the
    VERP envelope sender bounces+TOKEN@domain, Auto-Submitted, List-Id,
    List-Unsubscribe (mailto with the token and the https URL),
    List-Unsubscribe-Post, a Message-ID never seen before, the coupon code
    computed here independently (HMAC-SHA-256, base32), no unrendered
    Mustache tags.
One Postfix per story (test class); a story is one test method because its
steps share one clock that only moves forward.
"""

import base64
import datetime
import email.utils
import hashlib
import hmac
import os
import re
import shutil
import time
import unittest
from collections import namedtuple
from zoneinfo import ZoneInfo

from harness.mail_system import MailSystemCase, build_message, encode_word_b64
from harness.milter_process import ProgramError, now_for_tests

HERE = os.path.dirname(os.path.abspath(__file__))
SEQUENCE_SOURCE = os.path.normpath(os.path.join(HERE, "..", "..", "conf", "sequences"))
SECRET_KEY = b"integration-test-key-not-secret-0123456789"
UNSUBSCRIBE_URL = "https://shop.example/u/{token}"
SOFT_BOUNCE_LIMIT = 2
MINUTE, HOUR, DAY = 60, 3600, 86400
START = now_for_tests()  # Monday 2026-01-05 09:00 UTC

# What conf/sequences/*.sequence say, as far as the outbound mail shows it.
Sequence = namedtuple("Sequence", "zone sender list_id coupon_format")
SEQUENCES = {
    "canon-eos-5d": Sequence("Europe/Oslo", "shop@shop.example", "canon-eos-5d.shop.example",
                             "CAM-XXXX-XXXX"),
    "accessories": Sequence("Europe/Oslo", "shop@shop.example", "accessories.shop.example",
                            "ACC-XXXX-XXXX"),
    "camera-gentle": Sequence("Europe/Oslo", "shop@shop.example",
                              "camera-gentle.shop.example", None),
    "product-x": Sequence("Europe/Moscow", "shop@shop.example", "product-x.shop.example",
                          "PRD-XXXX-XXXX"),
    "course": Sequence("Europe/London", "courses@school.example", "course.school.example",
                       None),
    "product-px100": Sequence("Europe/Berlin", "shop@shop.example",
                              "product-px100.shop.example", "PX-XXXX-XXXX"),
    "newsletter": Sequence("Europe/Oslo", "shop@shop.example", "newsletter.shop.example", None),
}


# --- the tokens contract (lib/sequence/tokens.h), computed independently ---

def _mac_base32(message):
    digest = hmac.new(SECRET_KEY, message, hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii").rstrip("=")


def person_token(person):
    return _mac_base32(b"person\0" + person.lower().encode("utf-8"))[:16]


def confirm_token(person, sequence):
    return _mac_base32(b"\0".join([b"confirm", person.lower().encode("utf-8"),
                                   sequence.encode("utf-8")]))[:16]


def confirm_address(person):
    return "confirm+%s@shop.example" % confirm_token(person, "newsletter")


def coupon_code(person, sequence, step):
    mac = _mac_base32(b"\0".join([b"coupon", person.lower().encode("utf-8"),
                                  sequence.encode("utf-8"), step.encode("utf-8")]))
    code, used = [], 0
    for c in SEQUENCES[sequence].coupon_format:
        if c != "X":
            code.append(c)
            continue
        code.append(mac[used])
        used += 1
    return "".join(code)


def coupon_pattern(coupon_format):
    """CAM-XXXX-XXXX -> a regex where each X is a base32 character."""
    return "".join("[A-Z2-7]" if c == "X" else re.escape(c) for c in coupon_format)


# --- time ---

def local(zone, year, month, day, hour, minute=0):
    """Unix time of a wall-clock time in an IANA zone."""
    when = datetime.datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(zone))
    return int(when.timestamp())


def show(unix_seconds, zone):
    when = datetime.datetime.fromtimestamp(unix_seconds, ZoneInfo(zone))
    return when.strftime("%a %Y-%m-%d %H:%M %Z")


def since_start(unix_seconds):
    seconds = unix_seconds - START
    days, rest = divmod(seconds, DAY)
    text = "+%dd" % days
    if rest:
        text += "%02dh%02d" % (rest // HOUR, rest % HOUR // MINUTE)
    return text


# One outbound mail a story expects: to whom, from which sequence and step,
# its subject ("{coupon}" stands for the person's code) and text the body
# must contain.
Expect = namedtuple("Expect", "person sequence step subject body", defaults=((),))


def is_sequence_mail(message):
    return message.mail_from.lower().startswith("bounces+")


class SequenceStory:
    """Shared steps; mixed into a MailSystemCase."""

    program_options = {"soft_bounce_limit": str(SOFT_BOUNCE_LIMIT)}
    zone = "Europe/Oslo"  # the zone the story's transcript speaks

    @classmethod
    def extra_program_options(cls, root):
        sequence_dir = os.path.join(root, "sequences")
        shutil.copytree(SEQUENCE_SOURCE, sequence_dir)
        key_file = os.path.join(root, "secret.key")
        with open(key_file, "wb") as f:
            f.write(SECRET_KEY)
        os.chmod(key_file, 0o600)
        return {"sequence_dir": sequence_dir, "secret_key_file": key_file,
                "unsubscribe_url": UNSUBSCRIBE_URL}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.message_ids = {}  # Message-ID -> summary, over the whole story
        cls.coupon_verify = None  # unknown until first tried

    # --- transcript ---

    def say(self, text):
        self.system.say("  " + text)

    # --- time and the dispatcher ---

    def now(self):
        return self.system.programs.clock()

    def move_clock(self, when):
        self.assertGreaterEqual(when, self.now(), "time only moves forward")
        self.system.programs.set_clock(when)

    def dispatch(self):
        """dispatcher --once; waits until Postfix delivered what it sent and
        returns the sequence mails that reached the sink meanwhile. Nothing
        may fail."""
        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.programs.dispatch_once()
        self.system.postfix.wait_idle()
        arrived = self.system.sink.messages()[before:]
        self.assertEqual(self.system.programs.failed_replies(), [],
                         "no step may end on the failed list")
        other = [m.summary() for m in arrived if not is_sequence_mail(m)]
        self.assertEqual(other, [], "the dispatcher sent something that is no sequence mail")
        return arrived

    def nothing_until(self, when):
        """Moves the clock to when; the dispatcher must send nothing."""
        self.move_clock(when)
        arrived = self.dispatch()
        self.assertEqual([m.summary() for m in arrived], [],
                         "nothing is due at %s (%s)" % (show(when, self.zone), since_start(when)))

    def due_at(self, when, *expected):
        """One minute before when nothing goes out; at when exactly the
        expected mails (any order). Returns {(person, sequence): message}."""
        self.nothing_until(when - MINUTE)
        self.move_clock(when)
        self.say("%s (%s): dispatcher --once" % (show(when, self.zone), since_start(when)))
        arrived = self.dispatch()
        wanted = sorted((e.person, e.sequence, e.step) for e in expected)
        got = sorted((m.rcpt_tos[0] if m.rcpt_tos else "?", m.header("List-Id") or "?",
                      m.header("Subject") or "") for m in arrived)
        self.assertEqual(len(arrived), len(expected),
                         "due at %s: wanted %s, got %s" % (show(when, self.zone), wanted, got))
        result = {}
        for e in expected:
            matching = [m for m in arrived if m.rcpt_tos == [e.person]
                        and m.header("List-Id") == "<%s>" % SEQUENCES[e.sequence].list_id]
            self.assertEqual(len(matching), 1, "%s/%s to %s: got %s" % (
                e.sequence, e.step, e.person, got))
            result[(e.person, e.sequence)] = self.check_sequence_mail(matching[0], e, when)
        return result

    # --- the outbound mail ---

    def check_sequence_mail(self, message, expect, when):
        sequence = SEQUENCES[expect.sequence]
        person = expect.person
        domain = sequence.sender.split("@")[1]
        token = person_token(person)
        code = coupon_code(person, expect.sequence, expect.step) if sequence.coupon_format else ""
        subject = message.header("Subject") or ""
        body = message.text_body()
        self.say("  -> %-22s %s/%s  %r%s" % (person, expect.sequence, expect.step, subject,
                                            "  coupon " + code if code and code in body else ""))

        self.assertEqual(message.rcpt_tos, [person])
        self.assertEqual(message.mail_from, "bounces+%s@%s" % (token, domain),
                         "VERP envelope sender with the person's token")
        self.assertIn(person, message.header("To") or "")
        self.assertIn(sequence.sender, message.header("From") or "")
        self.assertEqual(subject, expect.subject.replace("{coupon}", code))
        for text in expect.body:
            self.assertIn(text.replace("{coupon}", code), body)
        if "{coupon}" in expect.subject + "".join(expect.body):
            self.assertRegex(code, "^%s$" % coupon_pattern(sequence.coupon_format))
            self.verify_coupon_with_ctl(code, person, expect.sequence, expect.step)
        self.assertNotIn("{{", subject + body, "unrendered Mustache tag")
        self.assertNotIn("}}", subject + body, "unrendered Mustache tag")

        self.assertEqual(email.utils.parsedate_to_datetime(message.header("Date")).timestamp(),
                         when, "Date: the clock when the step was sent")
        self.assertEqual((message.header("Auto-Submitted") or "").strip().lower(),
                         "auto-generated")
        self.assertEqual(message.header("List-Id"), "<%s>" % sequence.list_id)
        unsubscribe = message.header("List-Unsubscribe") or ""
        self.assertIn("<mailto:unsubscribe+%s@%s?subject=unsubscribe>" % (token, domain),
                      unsubscribe)
        self.assertIn("<%s>" % UNSUBSCRIBE_URL.replace("{token}", token), unsubscribe)
        self.assertEqual(message.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click")
        message_id = message.header("Message-ID") or ""
        self.assertRegex(message_id, r"^<[^<>@\s]+@[^<>@\s]+>$")
        self.assertNotIn(message_id, self.message_ids,
                         "Message-ID used before by %s" % self.message_ids.get(message_id))
        self.message_ids[message_id] = "%s/%s to %s" % (expect.sequence, expect.step, person)
        return message

    def ctl_if_available(self, *args):
        """autoresponder-ctl ARGS; None (and a transcript note) when this
        build of the ctl does not know the command yet. Exit status 1 is an
        answer ("not valid"), not an error."""
        programs = self.system.programs
        try:
            return programs.ctl(*args)
        except ProgramError as error:
            if re.search(r"unknown command", str(error)):
                self.say("  (autoresponder-ctl has no '%s %s')" % args[:2])
                return None
            if "exited 1\n" in str(error):
                return str(error)
            raise

    def show_ctl(self, command, output):
        self.say("$ autoresponder-ctl " + command)
        for line in output.splitlines():
            self.say("  " + line.replace("\t", "  "))

    def verify_coupon_with_ctl(self, code, person, sequence, step):
        """autoresponder-ctl coupon verify: the code is valid for its own
        (person, sequence, step) and not for another person's."""
        if type(self).coupon_verify is False:
            return
        output = self.ctl_if_available("coupon", "verify", code, "--person", person,
                                       "--sequence", sequence, "--step", step)
        if output is None:
            type(self).coupon_verify = False
            return
        self.assertRegex(output, r"^valid: ")
        if type(self).coupon_verify is None:
            self.say("  (this coupon and every later one pass autoresponder-ctl coupon verify)")
        type(self).coupon_verify = True
        other = self.ctl_if_available("coupon", "verify", code, "--person",
                                      "someone.else@example.com", "--sequence", sequence,
                                      "--step", step)
        self.assertIn("not valid: ", other)

    # --- mail into Postfix ---

    def send(self, mail_from, rcpt_tos, subject, from_header=None, to_header=None, headers=(),
             message_id=None, body="Hei,\r\ndette er en test.\r\n", delivered_to=None,
             note=""):
        """Sends one message over SMTP; waits until Postfix delivered it and
        checks it reached the sink for delivered_to (default: every
        recipient) -- or not at all when delivered_to is empty. Returns the
        Message-ID."""
        data, message_id = build_message(from_header or mail_from, to_header or rcpt_tos[0],
                                         subject, message_id=message_id, headers=headers,
                                         body=body)
        return self.send_raw(mail_from, rcpt_tos, data, message_id, delivered_to, note)

    def send_raw(self, mail_from, rcpt_tos, data, message_id=None, delivered_to=None, note=""):
        self.system.postfix.wait_idle()
        before = self.system.sink.count()
        self.system.send_smtp(mail_from, rcpt_tos, data, note=note)
        self.system.postfix.wait_idle()
        arrived = self.system.sink.messages()[before:]
        wanted = list(rcpt_tos) if delivered_to is None else list(delivered_to)
        got = [m.rcpt_tos for m in arrived]
        self.assertEqual(got, [wanted] if wanted else [],
                         "the sink got %s" % [m.summary() for m in arrived])
        for m in arrived:
            self.assertFalse(is_sequence_mail(m), "a sequence mail went out without the dispatcher")
        return message_id

    def reply_to(self, sequence_mail, person, display_name, automatic=False):
        """The person answers a sequence mail: a reply of their own, or an
        out-of-office answer (Auto-Submitted: auto-replied, null sender)."""
        subject = sequence_mail.header("Subject") or ""
        headers = [("In-Reply-To", sequence_mail.header("Message-ID")),
                   ("References", sequence_mail.header("Message-ID"))]
        if automatic:
            headers.append(("Auto-Submitted", "auto-replied"))
        return self.send("" if automatic else person, [SEQUENCES_FROM_ADDRESS],
                         ("Auto: " if automatic else "Re: ") + encode_word_b64(subject),
                         from_header="%s <%s>" % (display_name, person), headers=headers,
                         body="Takk!\r\n" if not automatic else "I am away until Monday.\r\n")

    def assert_greetings(self, greeting, names):
        """Every sequence mail the story sent begins with greeting % the
        person's first name."""
        sent = [m for m in self.system.sink.messages() if is_sequence_mail(m)]
        self.assertTrue(sent)
        for message in sent:
            first_name = names[message.rcpt_tos[0]].split()[0]
            self.assertEqual(message.text_body().splitlines()[0], greeting % first_name)

    def milter_log(self):
        return self.system.programs.log_text("milter")

    def assert_milter_logged(self, pattern):
        if not re.search(pattern, self.milter_log()):
            self.fail("the milter never logged %r; its log ends:\n%s" % (
                pattern, self.system.programs.log_tail("milter", 15)))


SEQUENCES_FROM_ADDRESS = "shop@shop.example"


def lead_form(visitor, name):
    """The shop's contact form: from the web server, the visitor in Reply-To."""
    return dict(mail_from="www-data@shop.example", rcpt_tos=["leads+canon-eos-5d@shop.example"],
                subject="Kontaktskjema: Canon EOS 5D",
                from_header="Kontaktskjema <www-data@shop.example>",
                headers=[("Reply-To", "%s <%s>" % (encode_word_b64(name), visitor))],
                body="Jeg lurer på om Canon EOS 5D passer for meg.\r\n",
                note="  Reply-To: %s <%s>" % (name, visitor))


OLE, KARI, ERIK, FRIDA = ("ole@example.net", "kari@example.net", "erik@example.net",
                          "frida@example.net")
NAMES = {OLE: "Ole Nordmann", KARI: "Kari Nordmann", ERIK: "Erik Berg", FRIDA: "Frida Dahl"}
INFO_SUBJECT = "Canon EOS 5D: alt du lurte på"
COUPON_SUBJECT = "10 % på Canon EOS 5D med kode {coupon}"
REMINDER_SUBJECT = "Fortsatt interessert i Canon EOS 5D?"


def oslo(month, day, hour, minute=0):
    return local("Europe/Oslo", 2026, month, day, hour, minute)


class CameraLeadStory(SequenceStory, MailSystemCase):
    """canon-eos-5d: a lead from the contact form; buying moves to
    accessories, two mails without a reply move to camera-gentle; a reply
    is engagement, an out-of-office answer is not."""

    def info(self, person):
        return Expect(person, "canon-eos-5d", "info", INFO_SUBJECT,
                      ["Hei %s!" % NAMES[person].split()[0], "fullformatsensor",
                       "unsubscribe+%s@shop.example" % person_token(person)])

    def coupon(self, person):
        return Expect(person, "canon-eos-5d", "coupon", COUPON_SUBJECT,
                      ["Hei %s!" % NAMES[person].split()[0], "Bruk koden {coupon} i kassen"])

    def check_html_alternative(self, message, person):
        """canon-coupon.html next to the text template: multipart/alternative
        with the same code and the one-click URL as a link."""
        self.assertEqual(message.message.get_content_type(), "multipart/alternative")
        html = message.message.get_body(preferencelist=("html",)).get_content()
        self.assertIn("<strong>%s</strong>" % coupon_code(person, "canon-eos-5d", "coupon"), html)
        self.assertIn('href="%s"' % UNSUBSCRIBE_URL.replace("{token}", person_token(person)),
                      html)

    # The tests share one clock and run in name order, each continuing
    # where the one before ended.

    def test_1_camera_lead_buyer_and_coupons(self):
        self.assertEqual(self.now(), oslo(1, 5, 10))  # Monday 10:00 in Oslo
        self.say("Mon 2026-01-05 10:00 CET: four visitors ask about the camera")
        for person in (OLE, KARI, ERIK, FRIDA):
            self.send(**lead_form(person, NAMES[person]))
            self.assert_milter_logged(r"%s: enrolled in canon-eos-5d " % re.escape(person))
        # The same form mail again (a browser resubmitting) changes nothing:
        # re_entry = ignore.
        self.send(**lead_form(OLE, NAMES[OLE]))

        schedule = self.ctl_if_available("schedule", "--from", "2026-01-05", "--to",
                                         "2026-02-01", "--tz", "Europe/Oslo")
        if schedule is not None:
            self.show_ctl("schedule --from 2026-01-05 --to 2026-02-01 --tz Europe/Oslo",
                          schedule)
            # Queued: the first step; projected: the next, counted from it.
            planned = sorted(tuple(line.split("\t")) for line in schedule.splitlines()
                             if not line.startswith("DUE\t"))  # the header
            self.assertEqual(planned, sorted(
                [("2026-01-08T10:00+01:00", p, "canon-eos-5d", "info", "queued")
                 for p in (OLE, KARI, ERIK, FRIDA)] +
                [("2026-01-15T10:00+01:00", p, "canon-eos-5d", "coupon", "projected")
                 for p in (OLE, KARI, ERIK, FRIDA)] +
                [("2026-01-22T10:00+01:00", p, "canon-eos-5d", "reminder", "projected")
                 for p in (OLE, KARI, ERIK, FRIDA)]))

        self.nothing_until(START + 2 * DAY)
        info = self.due_at(oslo(1, 8, 10), *(self.info(p) for p in (OLE, KARI, ERIK, FRIDA)))
        self.assertEqual(info[(OLE, "canon-eos-5d")].header("X-Campaign"), "canon-eos-5d")
        type(self).info_mails = info

        # Erik answers the info mail: engagement. Frida's mailbox answers
        # it automatically: not engagement.
        self.move_clock(oslo(1, 8, 12))
        self.say("Thu 2026-01-08 12:00 CET: Erik replies, Frida's out-of-office answers")
        self.reply_to(info[(ERIK, "canon-eos-5d")], ERIK, NAMES[ERIK])
        self.assert_milter_logged(r"%s: replied to \S+ \(canon-eos-5d\)" % re.escape(ERIK))
        self.reply_to(info[(FRIDA, "canon-eos-5d")], FRIDA, NAMES[FRIDA], automatic=True)
        self.assert_milter_logged(r"automatic reply naming %s is not engagement" % re.escape(
            info[(FRIDA, "canon-eos-5d")].header("Message-ID")))
        self.assertNotRegex(self.milter_log(), r"%s engaged" % re.escape(FRIDA))

        # Tuesday noon: the shop's order system confirms Ole's purchase.
        self.move_clock(oslo(1, 13, 12))
        self.say("Tue 2026-01-13 12:00 CET: Ole buys the camera")
        self.send("orders@shop.example", [OLE], "Ordrebekreftelse 20417: Canon EOS 5D",
                  from_header="Nettbutikken <orders@shop.example>",
                  to_header="%s <%s>" % (NAMES[OLE], OLE))
        self.assert_milter_logged(r"%s: leaves canon-eos-5d \(exit purchase\)" % re.escape(OLE))
        self.assert_milter_logged(r"%s: enrolled in accessories " % re.escape(OLE))
        person = self.ctl_if_available("person", "show", OLE)
        if person is not None:
            self.show_ctl("person show %s" % OLE, person)
            accessories, canon = person.split("sequence canon-eos-5d")
            self.assertIn("state: left", canon)
            self.assertIn("left: purchase at 2026-01-13T11:00:00Z", canon)
            self.assertIn("sequence accessories", accessories)
            self.assertIn("state: active", accessories)
            self.assertIn("2026-01-15T11:00:00Z", accessories)  # lenses, upcoming

        # Seven days after the info mail: the coupon, but not for Ole, who
        # left; his accessories mail comes two days after his purchase.
        coupons = self.due_at(oslo(1, 15, 10), *(self.coupon(p) for p in (KARI, ERIK, FRIDA)))
        self.check_html_alternative(coupons[(KARI, "canon-eos-5d")], KARI)
        self.due_at(oslo(1, 15, 12), Expect(OLE, "accessories", "lenses",
                                            "Objektiver som passer til det nye kameraet ditt",
                                            ["24–105 mm"]))
        # Seven days later the reminder, only for Erik, who answered one of
        # the two mails. Kari and Frida did not (an out-of-office answer is
        # no engagement): `exit quiet` (no-engagement 2), checked when the
        # reminder is due, moves them to camera-gentle instead.
        self.due_at(oslo(1, 22, 10), Expect(ERIK, "canon-eos-5d", "reminder", REMINDER_SUBJECT,
                                            ["Hei Erik!"]))
        for person in (KARI, FRIDA):
            shown = self.ctl_if_available("person", "show", person)
            if shown is None:
                break
            if person == KARI:
                self.show_ctl("person show %s" % KARI, shown)
            gentle, canon = shown.split("sequence canon-eos-5d")
            self.assertIn("state: left", canon)
            self.assertIn("left: quiet at 2026-01-22T09:00:00Z", canon)
            self.assertIn("sequence camera-gentle", gentle)
            self.assertIn("state: active", gentle)
            self.assertIn("next: 2026-02-14T09:00:00Z", gentle)

        self.due_at(oslo(1, 29, 12), Expect(OLE, "accessories", "bag",
                                            "Kameraveske og ekstra batteri – 15 % med {coupon}",
                                            ["Med koden {coupon}"]))

    def test_2_quiet_leads_get_camera_gentle(self):
        # Moved on Thursday 22 January: camera-gentle's step is 21 days
        # later (Thursday 12 February), in its Saturday window.
        self.due_at(oslo(2, 14, 10),
                    *(Expect(p, "camera-gentle", "news", "Nytt fra fotoavdelingen",
                             ["Hei %s!" % NAMES[p].split()[0]]) for p in (KARI, FRIDA)))
        self.nothing_until(oslo(3, 31, 12))

    # Known gap: canon-reminder.txt says "Rabattkoden din {{coupon}} gjelder
    # fortsatt" (your code still applies), but {{coupon}} is the code of
    # the step being rendered, so the reminder names a code the person never
    # got. Remove the marker once the reminder can name the coupon step's
    # code (or no longer claims to).
    def test_3_reminder_offers_its_own_new_code(self):
        mails = [m for m in self.system.sink.messages() if m.rcpt_tos == [ERIK]
                 and is_sequence_mail(m)]
        reminder = [m for m in mails if m.header("Subject") == REMINDER_SUBJECT]
        self.assertEqual(len(reminder), 1)
        self.assertIn(coupon_code(ERIK, "canon-eos-5d", "reminder"), reminder[0].text_body())


ANNA, BORIS, SERGEI, DMITRI = ("anna@example.ru", "boris@example.ru", "sergei@example.ru",
                               "dmitri@example.ru")
RU_NAMES = {ANNA: "Анна Иванова", BORIS: "Борис Петров", SERGEI: "Сергей Орлов",
            DMITRI: "Дмитрий Соколов"}


def moscow(month, day, hour, minute=0):
    return local("Europe/Moscow", 2026, month, day, hour, minute)


class ProductXStory(SequenceStory, MailSystemCase):
    """product-x: each customer on their own clock from their order; the
    same order mail twice enrols once; a reply ends the sequence, an
    out-of-office answer does not."""

    zone = "Europe/Moscow"

    def order(self, person, number, message_id=None):
        return self.send("orders@shop.example", [person],
                         "Order %d: 1 x Product X" % number,
                         from_header="Shop <orders@shop.example>",
                         to_header="%s <%s>" % (encode_word_b64(RU_NAMES[person]), person),
                         message_id=message_id)

    def coupon(self, person, number):
        return Expect(person, "product-x", "coupon", "Ваш личный купон: {coupon}",
                      ["Спасибо за заказ № %d" % number, "введите код {coupon}"])

    def shipping(self, person, number):
        return Expect(person, "product-x", "shipping", "Бесплатная доставка для вас",
                      ["вашего заказа № %d" % number, "укажите код {coupon}"])

    def test_1_each_customer_on_their_own_clock(self):
        self.say("Mon 2026-01-05 12:00 MSK: orders from Anna, Sergei and Dmitri")
        anna_order = self.order(ANNA, 1001)
        self.order(SERGEI, 1002)
        self.order(DMITRI, 1003)
        for person in (ANNA, SERGEI, DMITRI):
            self.assert_milter_logged(r"%s: enrolled in product-x " % re.escape(person))

        # The order system sends Anna's confirmation again (same
        # Message-ID) a day later: she stays on Monday's clock.
        self.move_clock(moscow(1, 6, 12))
        self.say("Tue 2026-01-06 12:00 MSK: Anna's confirmation again, same Message-ID")
        self.order(ANNA, 1001, message_id=anna_order)
        self.assert_milter_logged(r"trigger %s was already seen" % re.escape(anna_order))

        self.move_clock(moscow(1, 8, 12))
        self.say("Thu 2026-01-08 12:00 MSK: Boris orders")
        self.order(BORIS, 1004)

        coupons = self.due_at(moscow(1, 10, 12), self.coupon(ANNA, 1001),
                              self.coupon(SERGEI, 1002), self.coupon(DMITRI, 1003))
        self.move_clock(moscow(1, 10, 14))
        self.say("Sat 2026-01-10 14:00 MSK: Sergei replies, Dmitri's out-of-office answers")
        self.reply_to(coupons[(SERGEI, "product-x")], SERGEI, "Sergei")
        self.assert_milter_logged(r"%s: leaves product-x \(exit replied\)" % re.escape(SERGEI))
        self.reply_to(coupons[(DMITRI, "product-x")], DMITRI, "Dmitri", automatic=True)

        self.due_at(moscow(1, 13, 12), self.coupon(BORIS, 1004))  # three days after Anna
        self.due_at(moscow(1, 15, 12), self.shipping(ANNA, 1001), self.shipping(DMITRI, 1003))
        self.due_at(moscow(1, 18, 12), self.shipping(BORIS, 1004))
        self.nothing_until(moscow(3, 1, 12))

    # Known gap: with person = envelope-recipient no display name is kept,
    # though the order confirmation's To names the customer, so the
    # greeting reads "Здравствуйте, !". Remove the marker once it is fixed.
    def test_2_greeting_uses_the_name_in_the_order_mail(self):
        self.assert_greetings("Здравствуйте, %s!", RU_NAMES)


SAM, TOM = "sam@example.org", "tom@example.org"


def london(year, month, day, hour, minute=0):
    return local("Europe/London", year, month, day, hour, minute)


class CourseStory(SequenceStory, MailSystemCase):
    """course: reminders before the exam date captured from the
    registration mail, and a notice before the certificate expires; both
    date forms, send windows, a DST change in between."""

    zone = "Europe/London"

    def register(self, person, name, exam_date, certificate_expires):
        self.send(person, ["courses@school.example"], "Registration: Landscape photography",
                  from_header="%s <%s>" % (name, person),
                  to_header="School of Photography <courses@school.example>",
                  headers=[("X-Exam-Date", exam_date),
                           ("X-Certificate-Expires", certificate_expires)],
                  body="Please register me for the spring course.\r\n")
        self.assert_milter_logged(r"%s: enrolled in course " % re.escape(person))

    def test_1_reminders_from_captured_dates(self):
        self.say("Mon 2026-01-05 09:00 GMT: Sam and Tom register")
        self.register(SAM, "Sam Carter", "2026-03-20", "2026-04-30")
        self.register(TOM, "Tom Hughes", "24.04.2026", "15.06.2026")

        def week(person, date):
            return Expect(person, "course", "exam-week", "Your exam is in one week (%s)" % date,
                          ["your exam is on %s" % date])

        def eve(person, date):
            return Expect(person, "course", "exam-eve", "Tomorrow: your exam",
                          ["Your exam is tomorrow, %s." % date])

        def certificate(person, date):
            return Expect(person, "course", "certificate", "Your certificate expires on %s" % date,
                          ["in 30 days, on %s" % date])

        # Seven days and one day before the exam, from 08:00 (the window).
        self.due_at(london(2026, 3, 13, 8), week(SAM, "2026-03-20"))
        self.due_at(london(2026, 3, 19, 8), eve(SAM, "2026-03-20"))
        # 30 days before 30 April is Tuesday 31 March, after the change to
        # summer time: 09:00 BST.
        self.due_at(london(2026, 3, 31, 9), certificate(SAM, "2026-04-30"))
        self.due_at(london(2026, 4, 17, 8), week(TOM, "24.04.2026"))
        self.due_at(london(2026, 4, 23, 8), eve(TOM, "24.04.2026"))
        # 30 days before 15 June is Saturday 16 May: the mon-fri window
        # moves it to Monday.
        self.due_at(london(2026, 5, 18, 9), certificate(TOM, "15.06.2026"))
        self.nothing_until(london(2026, 7, 1, 9))

    # Known gap: with person = envelope-sender no display name is kept,
    # though the registration's From names the student, so the greeting
    # reads "Hello ,". Remove the marker once it is fixed.
    def test_2_greeting_uses_the_name_in_the_registration(self):
        self.assert_greetings("Hello %s,", {SAM: "Sam Carter", TOM: "Tom Hughes"})


UNA, HANS, SIRI, VERA = ("una@example.net", "hans@example.net", "siri@example.net",
                         "vera@example.net")
LOOP_NAMES = {UNA: "Una Lie", HANS: "Hans Moe", SIRI: "Siri Vik", VERA: "Vera Holm"}


def build_dsn(verp_address, failed_recipient, status, original):
    """A delivery status notification as a receiving MTA would send it to
    our VERP envelope sender (RFC 3464: multipart/report;
    report-type=delivery-status, one per-recipient Status)."""
    boundary = "dsn.%s" % person_token(failed_recipient)
    action = "failed" if status.startswith("5") else "delayed"
    lines = [
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>",
        "To: %s" % verp_address,
        "Subject: %s" % ("Undelivered Mail Returned to Sender" if action == "failed"
                         else "Delayed Mail (still being retried)"),
        "Date: Thu, 08 Jan 2026 09:05:00 +0000",
        "Message-ID: <dsn.%s.%s@mx.example.net>" % (status, person_token(failed_recipient)),
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        "Content-Type: multipart/report; report-type=delivery-status;",
        "\tboundary=\"%s\"" % boundary,
        "",
        "This is a MIME-encapsulated message.",
        "",
        "--%s" % boundary,
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Your message could not be delivered to %s." % failed_recipient,
        "",
        "--%s" % boundary,
        "Content-Type: message/delivery-status",
        "",
        "Reporting-MTA: dns; mx.example.net",
        "Arrival-Date: Thu, 08 Jan 2026 09:00:05 +0000",
        "",
        "Final-Recipient: rfc822; %s" % failed_recipient,
        "Original-Recipient: rfc822;%s" % failed_recipient,
        "Action: %s" % action,
        "Status: %s" % status,
        "Remote-MTA: dns; mx.example.net",
        "Diagnostic-Code: smtp; %s %s <%s>: %s" % (
            "550" if action == "failed" else "452", status, failed_recipient,
            "Recipient address rejected: User unknown" if action == "failed"
            else "Mailbox full"),
        "",
        "--%s" % boundary,
        "Content-Type: text/rfc822-headers",
        "",
        "From: %s" % original.header("From"),
        "To: %s" % failed_recipient,
        "Message-ID: %s" % original.header("Message-ID"),
        "",
        "--%s--" % boundary,
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


class ClosedLoopStory(SequenceStory, MailSystemCase):
    """Unsubscribe mail and bounces come back through Postfix to the
    addresses the sequence mails hand out; the person is then suppressed in
    every sequence, checked again when a step is due."""

    def enrol_everywhere(self, person, order_number):
        # The order first: an order confirmation is also canon-eos-5d's
        # purchase exit, which would end a canon enrolment made before it.
        self.send("orders@shop.example", [person], "Order %d: 1 x Product X" % order_number,
                  from_header="Shop <orders@shop.example>", to_header=person)
        self.send(**lead_form(person, LOOP_NAMES[person]))
        self.assert_milter_logged(r"%s: enrolled in canon-eos-5d " % re.escape(person))
        self.assert_milter_logged(r"%s: enrolled in product-x " % re.escape(person))

    def info(self, person):
        return Expect(person, "canon-eos-5d", "info", INFO_SUBJECT)

    def test_unsubscribe_and_bounces(self):
        self.say("Mon 2026-01-05 10:00 CET: Una, Hans, Siri and Vera in canon-eos-5d and product-x")
        for number, person in enumerate((UNA, HANS, SIRI, VERA), start=2001):
            self.enrol_everywhere(person, number)
        info = self.due_at(oslo(1, 8, 10), *(self.info(p) for p in (UNA, HANS, SIRI, VERA)))
        self.move_clock(oslo(1, 8, 11))

        # Una unsubscribes through the mailto of List-Unsubscribe, with a
        # copy to customer service: the copy is delivered, the control
        # message is consumed.
        mailto = re.search(r"<mailto:([^>?]+)\?subject=unsubscribe>",
                           info[(UNA, "canon-eos-5d")].header("List-Unsubscribe")).group(1)
        self.say("Thu 2026-01-08 11:00 CET: Una mails %s (Cc kundeservice)" % mailto)
        self.send(UNA, [mailto, "kundeservice@shop.example"], "unsubscribe",
                  to_header=mailto, headers=[("Cc", "kundeservice@shop.example")],
                  delivered_to=["kundeservice@shop.example"])
        self.assert_milter_logged(r"%s: suppressed in every sequence \(unsubscribe\)" % re.escape(UNA))

        # A made-up token: a warning, and the mail is delivered as usual.
        forged = "unsubscribe+AAAAAAAAAAAAAAAA@shop.example"
        self.send(VERA, [forged], "unsubscribe", to_header=forged)
        self.assert_milter_logged(r"warning: \w+: invalid unsubscribe token in <%s>; delivered" %
                                  re.escape(forged))

        # Hans's mailbox does not exist: a 5.1.1 DSN to the VERP address.
        hans_info = info[(HANS, "canon-eos-5d")]
        self.say("Thu 2026-01-08 11:00 CET: DSN 5.1.1 for Hans to %s" % hans_info.mail_from)
        self.send_raw("", [hans_info.mail_from],
                      build_dsn(hans_info.mail_from, HANS, "5.1.1", hans_info), delivered_to=[])
        self.assert_milter_logged(r"%s: suppressed in every sequence \(hard-bounce\)" % re.escape(HANS))

        # Siri's mailbox is full: 4.2.2, counted; the second one suppresses.
        siri_info = info[(SIRI, "canon-eos-5d")]
        self.say("Thu 2026-01-08 11:00 CET: DSN 4.2.2 for Siri (1 of %d)" % SOFT_BOUNCE_LIMIT)
        self.send_raw("", [siri_info.mail_from],
                      build_dsn(siri_info.mail_from, SIRI, "4.2.2", siri_info), delivered_to=[])
        self.assert_milter_logged(r"%s: soft bounce \(" % re.escape(SIRI))
        self.assertNotRegex(self.milter_log(), r"%s suppressed" % re.escape(SIRI))

        def px_coupon(person):
            return Expect(person, "product-x", "coupon", "Ваш личный купон: {coupon}")

        coupons = self.due_at(moscow(1, 10, 12), px_coupon(SIRI), px_coupon(VERA))
        siri_coupon = coupons[(SIRI, "product-x")]
        self.say("Sat 2026-01-10: DSN 4.2.2 for Siri (2 of %d)" % SOFT_BOUNCE_LIMIT)
        self.send_raw("", [siri_coupon.mail_from],
                      build_dsn(siri_coupon.mail_from, SIRI, "4.2.2", siri_coupon),
                      delivered_to=[])
        # The decision lines, not their copies in the debug trail.
        self.assertEqual(len([line for line in self.milter_log().splitlines()
                              if "trail: " not in line and
                              re.search(r"%s: soft bounce \(" % re.escape(SIRI), line)]), 2)

        suppressions = self.ctl_if_available("suppression", "list")
        if suppressions is not None:
            self.show_ctl("suppression list", suppressions)
            reasons = {line.split("\t")[0]: line.split("\t")[1]
                       for line in suppressions.splitlines() if "\t" in line}
            self.assertEqual(reasons.get(UNA), "unsubscribe")
            self.assertEqual(reasons.get(HANS), "hard-bounce")
            self.assertEqual(reasons.get(SIRI), "soft-bounces")
            self.assertNotIn(VERA, reasons)

        # Only Vera is left: her canon coupon and product-x free shipping.
        self.due_at(oslo(1, 15, 10),
                    Expect(VERA, "canon-eos-5d", "coupon", COUPON_SUBJECT),
                    Expect(VERA, "product-x", "shipping", "Бесплатная доставка для вас"))
        # Nobody else gets anything until camera-gentle's first Saturday.
        self.nothing_until(oslo(2, 6, 12))


class _Original:
    """What build_dsn quotes of the message that bounced."""

    def __init__(self, from_header, message_id):
        self._headers = {"From": from_header, "Message-ID": message_id}

    def header(self, name):
        return self._headers.get(name)


class ControlAddressStory(SequenceStory, MailSystemCase):
    """Only our own control addresses are consumed: unsubscribe+ and
    bounces+ at the sequences' From domains, with a token we issued. The
    same local parts at other domains (a mailing list's unsubscribe
    address, a bulk sender's VERP return path) are ordinary mail that
    reaches its recipient, and so is a token that names nobody.
    control_domain adds a domain of ours."""

    program_options = dict(SequenceStory.program_options, control_domain="mail.shop.example")

    def test_only_our_domains_and_our_tokens_are_consumed(self):
        self.send(**lead_form(LISA, "Lisa Berg"))
        self.assert_milter_logged(r"%s: enrolled in canon-eos-5d " % re.escape(LISA))
        token = person_token(LISA)

        # Someone else's list: delivered, whatever the tag holds.
        for rcpt in ("unsubscribe+abc123@lists.other.test",
                     "unsubscribe+%s@lists.other.test" % token):
            self.say("%s mails %s" % (LISA, rcpt))
            self.send(LISA, [rcpt], "unsubscribe", to_header=rcpt)

        # A SendGrid-style VERP return path: a DSN to it is someone else's.
        sendgrid = "bounces+1234567-abcd@em.sendgrid.test"
        original = _Original("News <news@em.sendgrid.test>", "<n1@em.sendgrid.test>")
        self.say("DSN 5.1.1 to %s" % sendgrid)
        self.send_raw("", [sendgrid], build_dsn(sendgrid, LISA, "5.1.1", original))
        self.assertNotRegex(self.milter_log(), r"suppressed in every sequence",
                            "mail to other domains' control addresses suppressed someone")

        # At our domain with a token we never issued: delivered, and a warning.
        for forged in ("unsubscribe+AAAAAAAAAAAAAAAA@shop.example",
                       "bounces+AAAAAAAAAAAAAAAA@shop.example"):
            self.say("%s mails %s" % (LISA, forged))
            if forged.startswith("bounces+"):
                self.send_raw("", [forged], build_dsn(forged, LISA, "5.1.1", original))
            else:
                self.send(LISA, [forged], "unsubscribe", to_header=forged)
            kind = forged.split("+")[0].replace("bounces", "bounce")
            self.assert_milter_logged(
                r"warning: \w+: invalid %s token in <%s>; delivered as ordinary mail" % (
                    kind, re.escape(forged)))
        self.assertNotRegex(self.milter_log(), r"suppressed in every sequence")

        # Our own address with Lisa's token: consumed, and she is suppressed.
        ours = "unsubscribe+%s@shop.example" % token
        self.say("%s mails %s" % (LISA, ours))
        self.send(LISA, [ours], "unsubscribe", to_header=ours, delivered_to=[])
        self.assert_milter_logged(r"%s: suppressed in every sequence \(unsubscribe\)" %
                                  re.escape(LISA))

        # A control_domain is ours too: a DSN to Lisa's VERP address there is
        # consumed (she is already suppressed; the bounce is still read).
        verp = "bounces+%s@mail.shop.example" % token
        self.say("DSN 5.1.1 to %s" % verp)
        self.send_raw("", [verp], build_dsn(verp, LISA, "5.1.1", original), delivered_to=[])


LISA = "lisa@example.net"


NEWS_CONFIRM_SUBJECT = "Bekreft påmeldingen til nyhetsbrevet"


class NewsletterConsentStory(SequenceStory, MailSystemCase):
    """newsletter: double opt-in. A sign-up form enrols; the first and only
    mail is the confirmation; mail to the confirm address or a reply to the
    confirmation starts the sequence; an unconfirmed sign-up gets nothing
    more and expires after 7 days. The per-sequence counters move in the
    milter's and the dispatcher's textfiles, read back by ctl stats."""

    @classmethod
    def extra_program_options(cls, root):
        options = super().extra_program_options(root)
        options["milter_metrics_file"] = os.path.join(root, "milter.prom")
        options["dispatcher_metrics_file"] = os.path.join(root, "dispatcher.prom")
        return options

    def signup(self, person):
        return self.send("www-data@shop.example", ["newsletter@shop.example"],
                         "Newsletter sign-up",
                         from_header="Nettbutikken web <www-data@shop.example>",
                         headers=[("Reply-To", "%s <%s>" % (encode_word_b64(NAMES[person]),
                                                            person))],
                         body="Meld meg på nyhetsbrevet.\r\n", note="  Reply-To: " + person)

    def stats(self):
        """ctl stats --prometheus as {series: value}."""
        values = {}
        for line in self.system.programs.ctl("stats", "--prometheus").splitlines():
            if line.strip() and not line.startswith("#"):
                series, value = line.rsplit(" ", 1)
                values[series] = float(value)
        return values

    def assert_stats(self, wanted):
        """The milter writes its textfile every few seconds: wait for it."""
        deadline = time.monotonic() + 30
        while True:
            values = self.stats()
            wrong = {k: (values.get(k), v) for k, v in wanted.items() if values.get(k) != v}
            if not wrong:
                return values
            if time.monotonic() > deadline:
                self.fail("ctl stats: (got, wanted) %s" % wrong)
            time.sleep(0.5)

    def test_double_opt_in_sends_nothing_but_the_confirmation_until_confirmed(self):
        start = self.now()
        self.say("%s: Ole, Kari and Erik sign up on the web form" % show(start, self.zone))
        source = {}
        for person in (OLE, KARI, ERIK):
            source[person] = self.signup(person)
            self.assert_milter_logged(r"%s: enrolled in newsletter \(trigger, awaiting "
                                      r"confirmation\)" % re.escape(person))

        self.say("dispatcher --once at once: the confirmations, nothing else")
        confirmations = {}
        for message in self.dispatch():
            person = message.rcpt_tos[0]
            self.check_sequence_mail(message, Expect(person, "newsletter", "confirm",
                                                     NEWS_CONFIRM_SUBJECT,
                                                     [confirm_address(person),
                                                      "GDPR Art. 6(1)(a)"]), start)
            self.assertIn(confirm_address(person), message.header("Reply-To") or "")
            confirmations[person] = message
        self.assertEqual(sorted(confirmations), sorted([OLE, KARI, ERIK]))
        self.nothing_until(start + 2 * HOUR)

        self.say("Ole writes to his confirm address; Erik replies to the confirmation")
        self.send(OLE, [confirm_address(OLE)], "Ja takk", from_header="Ole <%s>" % OLE,
                  delivered_to=[], note="  (consumed: not delivered)")
        self.assert_milter_logged(r"ole@example\.net: confirmed newsletter")
        self.reply_to(confirmations[ERIK], ERIK, NAMES[ERIK])
        self.assert_milter_logged(r"erik@example\.net: confirmed newsletter")
        # A stranger guessing a token confirms nobody and the mail is delivered.
        self.send("mallory@example.org", ["confirm+AAAAAAAAAAAAAAAA@shop.example"], "Ja",
                  note="  (an unknown token: ordinary mail)")

        welcome = [Expect(p, "newsletter", "welcome",
                          "Velkommen til nyhetsbrevet, %s" % NAMES[p].split()[0],
                          ["Takk for at du bekreftet"]) for p in (OLE, ERIK)]
        self.due_at(start + 3 * HOUR, *welcome)  # one hour after the confirmation
        self.assert_stats({
            'autoresponder_sequence_steps_sent_total{sequence="newsletter"}': 2,
            'autoresponder_sequence_enrolments_total{sequence="newsletter"}': 3,
            'autoresponder_sequence_unconfirmed_total{sequence="newsletter"}': 3,
            'autoresponder_sequence_confirmed_total{sequence="newsletter"}': 2,
        })

        self.say("Kari never confirms: nothing for her, and after 7 days it expires")
        self.nothing_until(start + 7 * DAY - MINUTE)
        self.nothing_until(start + 7 * DAY)
        self.assert_stats({
            'autoresponder_sequence_exits_total{sequence="newsletter",reason="expiry"}': 1,
        })
        human = self.system.programs.ctl("stats")
        self.assertRegex(human, r"sequence_exits_total:\n(  .*\n)*  newsletter,expiry +1\n")
        self.show_ctl("stats (sequence lines)",
                      "\n".join(l for l in human.splitlines() if "newsletter" in l or
                                 l.startswith("sequence_")))

        kari = self.system.programs.ctl("person", "show", KARI)
        self.show_ctl("person show " + KARI, kari)
        self.assertIn("state: left", kari)
        self.assertIn("left: unconfirmed", kari)
        self.assertIn("consent: trigger at ", kari)
        self.assertIn("source " + source[KARI], kari)
        self.assertIn("legal basis: Consent (GDPR Art. 6(1)(a))", kari)
        self.assertIn("confirmation: double opt-in, requested ", kari)
        ole = self.system.programs.ctl("person", "show", OLE)
        self.assertIn("confirmation: double opt-in, confirmed ", ole)
        self.assertIn("state: completed", ole)
        sent_to_kari = [m for m in self.system.sink.messages()
                        if is_sequence_mail(m) and m.rcpt_tos == [KARI]]
        self.assertEqual([m.header("Subject") for m in sent_to_kari], [NEWS_CONFIRM_SUBJECT])


if __name__ == "__main__":
    unittest.main()


DIRECTION_SEQUENCE = """[sequence]
name = {name}
from = Shop <shop@shop.example>
[trigger]
direction = {direction}
recipient = ^notify@shop\\.example$
person = from
[step hello]
when = 1d after previous
template = hello.txt
"""


class DirectionStory(MailSystemCase):
    """`direction` in a trigger: the milter tells mail submitted locally
    (Postfix pickup) from mail received over SMTP by the MTA's own trace
    field, so each message enrols in exactly one of the two sequences."""

    @classmethod
    def extra_program_options(cls, root):
        sequence_dir = os.path.join(root, "direction-sequences")
        os.makedirs(sequence_dir)
        for name, direction in (("smtp-only", "smtp"), ("local-only", "local")):
            with open(os.path.join(sequence_dir, name + ".sequence"), "w") as f:
                f.write(DIRECTION_SEQUENCE.format(name=name, direction=direction))
        with open(os.path.join(sequence_dir, "hello.txt"), "w") as f:
            f.write("Subject: Hello\n\nHello {{first_name}}\n")
        key_file = os.path.join(root, "direction.key")
        with open(key_file, "wb") as f:
            f.write(SECRET_KEY)
        os.chmod(key_file, 0o600)
        return {"sequence_dir": sequence_dir, "secret_key_file": key_file}

    def test_smtp_and_local_mail_enrol_in_their_own_sequence(self):
        over_smtp, _ = build_message("Sam <sam@example.org>", "notify@shop.example", "over smtp")
        self.system.send_smtp("sam@example.org", ["notify@shop.example"], over_smtp)
        local, _ = build_message("Lea <lea@example.org>", "notify@shop.example", "local")
        self.system.send_sendmail("lea@example.org", ["notify@shop.example"], local)
        self.system.wait_for_messages(2)
        log = lambda: self.system.programs.log_text("milter")
        for _ in range(100):
            if "lea@example.org: enrolled" in log() and "sam@example.org: enrolled" in log():
                break
            time.sleep(0.1)
        self.assertRegex(log(), r"sam@example\.org: enrolled in smtp-only ")
        self.assertRegex(log(), r"lea@example\.org: enrolled in local-only ")
        self.assertNotRegex(log(), r"sam@example\.org: enrolled in local-only ")
        self.assertNotRegex(log(), r"lea@example\.org: enrolled in smtp-only ")
