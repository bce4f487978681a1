"""The milter asks the MTA for only the macros it reads, on both engines.

A recording relay sits between the private Postfix and the milter, notes
the macro lists the milter asks for in its option negotiation reply and
every macro (SMFIC_MACRO packet) Postfix sends. With the milter's macro
request (protocol 6) Postfix sends {mail_mailer} at MAIL (with
{client_addr} and {auth_authen}, for the trigger conditions and the
enrolment limits) and i at end of message, and no other macro, although its
own milter_*_macros are left at their defaults. Both engines ask with the
one list built in the engine's negotiation. (Telling local submission from
SMTP by {mail_mailer} is covered by test_sequences' direction tests.)
"""

import socket
import struct
import threading
import unittest

from harness.mail_system import MailSystemCase, build_message
from harness import net

ALICE = "alice@example.org"


class MacroRecorder:
    """Relays milter connections to target_port, recording macro names per
    stage (the command letter the SMFIC_MACRO packet names)."""

    def __init__(self):
        self.port = net.free_port()
        self.target_port = None  # set once the milter's port is known
        self.lock = threading.Lock()
        self.macros = {}  # stage letter -> set of macro names
        self.requested = None  # SMFIM_* stage -> names, from the milter's first OPTNEG reply
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                mta, _ = self.listener.accept()
            except OSError:
                return
            milter = socket.create_connection(("127.0.0.1", self.target_port))
            threading.Thread(target=self._pump, args=(mta, milter, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(milter, mta, False), daemon=True).start()

    def _pump(self, src, dst, from_mta):
        buffer = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
                buffer += data
                buffer = self._parse(buffer) if from_mta else self._parse_replies(buffer)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _parse(self, buffer):
        while len(buffer) >= 4:
            (length,) = struct.unpack("!I", buffer[:4])
            if len(buffer) < 4 + length:
                break
            packet, buffer = buffer[4:4 + length], buffer[4 + length:]
            if packet[:1] == b"D" and len(packet) >= 2:
                stage = chr(packet[1])
                fields = packet[2:].split(b"\0")
                names = [f.decode("latin-1") for f in fields[0:-1:2]]
                with self.lock:
                    self.macros.setdefault(stage, set()).update(names)
        return buffer

    def _parse_replies(self, buffer):
        while len(buffer) >= 4:
            (length,) = struct.unpack("!I", buffer[:4])
            if len(buffer) < 4 + length:
                break
            packet, buffer = buffer[4:4 + length], buffer[4 + length:]
            # The option negotiation reply: version, actions, steps, then
            # (uint32 stage, NUL-terminated names) pairs.
            if packet[:1] == b"O" and len(packet) >= 13:
                rest, requested = packet[13:], {}
                while len(rest) >= 5:
                    (stage,) = struct.unpack("!I", rest[:4])
                    names, _, rest = rest[4:].partition(b"\0")
                    requested[stage] = names.decode("latin-1")
                with self.lock:
                    if self.requested is None:
                        self.requested = requested
        return buffer

    def requested_macros(self):
        with self.lock:
            return dict(self.requested or {})

    def seen(self):
        with self.lock:
            return {stage: set(names) for stage, names in self.macros.items()}

    def close(self):
        self.listener.close()


# SMFIM_CONNECT .. SMFIM_EOH (libmilter's mfapi.h)
REQUESTED = {0: "{ar_none}", 1: "{ar_none}", 2: "{mail_mailer} {client_addr} {auth_authen}",
             3: "{ar_none}",
             4: "{ar_none}", 5: "i", 6: "{ar_none}"}


class MilterMacros:
    """The tests; the classes below run them on each engine."""

    transport = "sendmail"
    recorder = None

    @classmethod
    def extra_postfix_options(cls, root):
        cls.recorder = MacroRecorder()
        relay = "inet:127.0.0.1:%d" % cls.recorder.port
        return {"smtpd_milters": relay, "non_smtpd_milters": relay}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.addClassCleanup(cls.recorder.close)
        cls.recorder.target_port = cls.system.programs.milter_port
        cls.system.programs.set_out_of_office(ALICE, "I am away", display_name="Alice Away")

    def test_smtp_sends_only_the_requested_macros(self):
        data, _ = build_message("bob@example.net", ALICE, "over smtp")
        before = self.system.sink.count()
        self.system.send_smtp("bob@example.net", [ALICE], data)
        self.system.wait_for_messages(before + 1)
        self.system.postfix.wait_idle()
        seen = self.recorder.seen()
        # M: MAIL FROM, E: end of message. Postfix still sends a (now
        # empty) macro packet at the other stages, skipped ones included.
        # {auth_authen} is asked for too, but Postfix sends only macros
        # with a value, and this client does not authenticate.
        self.assertEqual(seen.get("M"), {"{mail_mailer}", "{client_addr}"}, seen)
        self.assertEqual(seen.get("E"), {"i"}, seen)
        others = {stage: names for stage, names in seen.items() if stage not in "ME" and names}
        self.assertEqual(others, {}, seen)
        queued = self.system.programs.queued_replies()
        self.assertTrue(any("bob@example.net" in line for line in queued), queued)
        # Every stage named, those we read nothing at with a name no MTA defines.
        self.assertEqual(self.recorder.requested_macros(), REQUESTED)


class EventEngineMacrosTest(MilterMacros, MailSystemCase):
    program_options = {"milter_engine": "event"}


class LibmilterMacrosTest(MilterMacros, MailSystemCase):
    program_options = {"milter_engine": "libmilter"}


if __name__ == "__main__":
    unittest.main()
