"""MailSystem: the one shared setup of every integration test, so no test
repeats it: a temporary directory holding an SMTP sink, a private Postfix
relaying to it, and (optionally) the autoresponder programs attached to
Postfix as smtpd_milters and non_smtpd_milters.

MailSystemCase is a unittest.TestCase base that builds one MailSystem per
test class, prints a compact transcript of what was sent and what arrived,
dumps the logs of a failed test and always stops everything (set
AR_KEEP_TMP=1 to keep the directory).
"""

import base64
import email.header
import itertools
import os
import pwd
import shutil
import sys
import tempfile
import unittest

from . import milter_process
from . import net
from . import postfix_instance
from .smtp_sink import SmtpSink


def skip_or_fail(reason):
    """Under CTest (AR_INTEGRATION_REQUIRED=1) a missing prerequisite is a
    failure, so CI never passes by running nothing; elsewhere it is a skip."""
    if os.environ.get("AR_INTEGRATION_REQUIRED") == "1":
        raise RuntimeError("integration prerequisite missing: " + reason)
    raise unittest.SkipTest(reason)


# --- building test messages ---

def encode_word_b64(text, charset="utf-8"):
    """One RFC 2047 B-encoded word."""
    payload = base64.b64encode(text.encode(charset)).decode("ascii")
    return "=?%s?B?%s?=" % (charset.upper(), payload)


def encode_header_q(text, charset="iso-8859-1"):
    """RFC 2047 Q-encoding as a mail program would write it (may be several
    encoded words)."""
    return email.header.Header(text, charset).encode()


_message_numbers = itertools.count(1)


def build_message(mail_from, to, subject, message_id=None, headers=(),
                  body="Hello,\r\nthis is a test message.\r\n"):
    """The raw bytes of a simple message with CRLF line ends. subject is the
    raw header value (already RFC 2047 encoded where needed); headers are
    extra (name, value) pairs. Returns (bytes, message_id)."""
    if message_id is None:
        message_id = "<itest.%d.%d@example.net>" % (os.getpid(), next(_message_numbers))
    lines = [
        "From: %s" % mail_from,
        "To: %s" % to,
        "Subject: %s" % subject,
        "Date: Mon, 05 Jan 2026 09:00:00 +0000",
        "Message-ID: %s" % message_id,
    ]
    lines += ["%s: %s" % header for header in headers]
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
              "Content-Transfer-Encoding: 8bit"]
    text = "\r\n".join(lines) + "\r\n\r\n" + body
    return text.encode("utf-8"), message_id


def strip_trace_headers(data):
    """data without the Received: header block Postfix prepends, so a
    delivered message can be compared with what was sent."""
    header_end = data.find(b"\r\n\r\n")
    lines = data[:header_end + 2].split(b"\r\n")[:-1]
    index = 0
    while index < len(lines) and lines[index].lower().startswith(b"received:"):
        index += 1
        while index < len(lines) and lines[index][:1] in (b" ", b"\t"):
            index += 1
    kept = lines[index:]
    return b"\r\n".join(kept) + b"\r\n" + data[header_end + 2:]


# --- the system ---

# Stands for autoresponder-milter's socket (Postfix's spelling) in the text
# of extra master.cf services.
AUTORESPONDER_MILTER = "@AUTORESPONDER_MILTER@"

class MailSystem:
    def __init__(self, root, with_programs=True, transport="sendmail",
                 milter_socket_down=False, program_options=None, postfix_options=None,
                 postfix_services="", milter_in_chroot=False, transcript=sys.stdout):
        self.root = root
        # Postfix's unprivileged daemons must be able to walk down to their
        # queue and data directories (mkdtemp makes 0700 directories).
        os.chmod(root, 0o755)
        self.transcript = transcript
        self.sink = SmtpSink(os.path.join(root, "sink"))
        self.programs = None
        milters = ""
        postfix_root = os.path.join(root, "postfix")
        # milter_in_chroot: the packaged layout for Debian's chrooted smtpd
        # and cleanup: the socket in QUEUE/autoresponder/, named
        # unix:/autoresponder/milter.sock in main.cf.
        self.socket_dir = None
        unix_socket = postfix_socket_name = None
        if milter_in_chroot:
            self.socket_dir = os.path.join(postfix_root, "spool", "autoresponder")
            unix_socket = os.path.join(self.socket_dir, "milter.sock")
            postfix_socket_name = "/autoresponder/milter.sock"
        if with_programs:
            self.programs = milter_process.AutoresponderPrograms(
                os.path.join(root, "programs"), transport=transport,
                extra_options=program_options, unix_socket=unix_socket,
                postfix_socket_name=postfix_socket_name)
            milters = self.programs.postfix_milter
        elif milter_socket_down:
            milters = "inet:127.0.0.1:%d" % net.free_port()  # nobody listens there
        self.milters = milters
        # A service may name the programs' milter socket, known only now.
        postfix_services = postfix_services.replace(AUTORESPONDER_MILTER, milters)
        self.postfix = postfix_instance.PostfixInstance(
            postfix_root, relay_port=self.sink.port,
            smtpd_milters=milters, non_smtpd_milters=milters,
            extra_main_cf=postfix_options, extra_master_cf=postfix_services,
            chroot=milter_in_chroot)
        if self.programs is not None:
            self.programs.postfix_config_dir = self.postfix.config_dir
            self.programs.smtp_port = self.postfix.smtp_port
        self._reported = 0

    def start(self):
        self.sink.start()
        if self.socket_dir is not None:
            # The package's directory is autoresponder:autoresponder 0750
            # with postfix a member of that group. The milter runs as root
            # here, so the directory's group is postfix's own and set-group-ID
            # makes the socket inherit it: the same access, without changing
            # the system's users.
            os.makedirs(self.socket_dir, exist_ok=True)
            os.chown(self.socket_dir, 0, pwd.getpwnam("postfix").pw_gid)
            os.chmod(self.socket_dir, 0o2750)
        if self.programs is not None:
            self.programs.set_clock(milter_process.now_for_tests())
            self.programs.write_config()
            self.programs.start_milter()
        self.postfix.start()
        return self

    def stop(self):
        for step in (lambda: self.programs and self.programs.stop(),
                     self.postfix.stop, self.sink.stop):
            try:
                step()
            except Exception as error:  # keep stopping the rest
                print("cleanup: %s" % error, file=sys.stderr)

    # --- transcript ---

    def say(self, text):
        if self.transcript is not None:
            self.transcript.write(text + "\n")
            self.transcript.flush()

    def send_smtp(self, mail_from, rcpt_tos, data, note=""):
        queue_id = self.postfix.submit_smtp(mail_from, rcpt_tos, data)
        self.say("  sent  SMTP      <%s> -> %s  %s%s" % (
            mail_from, ",".join(rcpt_tos), _subject_of(data), note))
        return queue_id

    def send_sendmail(self, mail_from, rcpt_tos, data, note=""):
        self.postfix.submit_sendmail(mail_from, rcpt_tos, data)
        self.say("  sent  sendmail  <%s> -> %s  %s%s" % (
            mail_from, ",".join(rcpt_tos), _subject_of(data), note))

    def report_arrivals(self):
        """Prints the messages that reached the sink since the last call."""
        messages = self.sink.messages()
        for message in messages[self._reported:]:
            extra = ""
            if message.is_reply() or message.header("Auto-Submitted"):
                extra = "  In-Reply-To: %s  Auto-Submitted: %s" % (
                    message.header("In-Reply-To"), message.header("Auto-Submitted"))
            self.say("  got   sink #%d   %s%s" % (message.index, message.summary(), extra))
        self._reported = len(messages)
        return messages

    def wait_for_messages(self, count, timeout=20.0):
        """Waits for count messages in total at the sink; returns them all."""
        try:
            messages = self.sink.wait_for(count, timeout)
        except TimeoutError as error:
            raise AssertionError("%s\n%s" % (error, self.diagnostics())) from None
        self.report_arrivals()
        return messages

    def settle(self, timeout=20.0):
        """Waits until Postfix holds no mail, then reports arrivals."""
        self.postfix.wait_idle(timeout)
        return self.report_arrivals()

    def diagnostics(self):
        parts = ["--- postfix maillog (tail) ---", self.postfix.log_tail(60)]
        if self.programs is not None:
            parts += ["--- autoresponder-milter stderr (tail) ---",
                      self.programs.log_tail("milter", 60)]
        return "\n".join(parts)


def _subject_of(data):
    for line in data.split(b"\r\n"):
        if not line:
            break
        if line.lower().startswith(b"subject:"):
            raw = line[8:].strip().decode("utf-8", "replace")
            try:  # RFC 2047 encoded words, shown decoded
                raw = str(email.header.make_header(email.header.decode_header(raw)))
            except (ValueError, LookupError, UnicodeDecodeError):
                pass
            return "Subject: %r" % raw
    return ""


class MailSystemCase(unittest.TestCase):
    """One MailSystem per test class. Subclasses set the class attributes
    below; tests reach it as self.system."""

    with_programs = True
    transport = "sendmail"
    milter_socket_down = False
    milter_in_chroot = False  # smtpd and cleanup chrooted, socket inside the queue
    program_options = {}  # extra config file settings: name -> value or list
    postfix_options = {}  # extra main.cf settings of the private Postfix: name -> value

    @classmethod
    def extra_program_options(cls, root):
        """More config file settings that need the class's work directory
        (files the programs read: a copied directory, a key file); called
        once before the programs start. Wins over program_options."""
        return {}

    @classmethod
    def extra_postfix_options(cls, root):
        """More main.cf settings that need the class's work directory (a
        lookup table the test writes there); called once before Postfix
        starts. Wins over postfix_options."""
        return {}

    @classmethod
    def extra_postfix_services(cls, root):
        """More master.cf services of the private Postfix (master.cf text:
        a second smtpd with its own -o settings; AUTORESPONDER_MILTER in it
        stands for the milter's socket); called once before Postfix starts."""
        return ""

    @classmethod
    def setUpClass(cls):
        reason = postfix_instance.postfix_available()
        if reason is None and cls.with_programs:
            reason = milter_process.binaries_missing()
        if reason is not None:
            skip_or_fail(reason)
        cls.root = tempfile.mkdtemp(prefix="ar-itest-")
        cls.addClassCleanup(cls._remove_root)
        options = dict(cls.program_options)
        if cls.with_programs:
            options.update(cls.extra_program_options(cls.root))
        postfix_options = dict(cls.postfix_options)
        postfix_options.update(cls.extra_postfix_options(cls.root))
        cls.system = MailSystem(cls.root, with_programs=cls.with_programs,
                                transport=cls.transport,
                                milter_socket_down=cls.milter_socket_down,
                                milter_in_chroot=cls.milter_in_chroot,
                                program_options=options, postfix_options=postfix_options,
                                postfix_services=cls.extra_postfix_services(cls.root))
        cls.addClassCleanup(cls.system.stop)
        cls.system.say("\n== %s (work dir %s)" % (cls.__name__, cls.root))
        cls.system.start()

    @classmethod
    def _remove_root(cls):
        if os.environ.get("AR_KEEP_TMP") == "1" or getattr(cls, "_keep_root", False):
            print("kept %s" % cls.root, file=sys.stderr)
            return
        shutil.rmtree(cls.root, ignore_errors=True)

    def setUp(self):
        self.system.say("-- %s" % self._testMethodName)

    def tearDown(self):
        if self._failed():
            type(self)._keep_root = os.environ.get("CI") != "true"
            self.system.say(self.system.diagnostics())

    def _failed(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if result is None:
            return False
        return any(test is self for test, _ in result.errors + result.failures)
