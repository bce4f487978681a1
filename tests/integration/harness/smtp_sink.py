"""SmtpSink: a small threaded SMTP server on 127.0.0.1 that accepts every
message and records its envelope and content. Postfix relays everything to it
(relayhost), so the sink is "the rest of the internet" for a test.

Each message is kept in memory and written to the sink directory as
NNN.json (envelope, content as text) and NNN.eml (content as received, after
SMTP dot-unstuffing). Thread-safe: the server thread appends, tests read.
"""

import email
import email.policy
import json
import os
import re
import socketserver
import threading
import time

_MAIL_FROM = re.compile(rb"^MAIL FROM:\s*<([^>]*)>", re.IGNORECASE)
_RCPT_TO = re.compile(rb"^RCPT TO:\s*<([^>]*)>", re.IGNORECASE)
_MAX_LINE = 64 * 1024
_MAX_MESSAGE = 32 * 1024 * 1024


class SinkMessage:
    """One delivered message: envelope and the raw bytes of the content."""

    def __init__(self, index, mail_from, rcpt_tos, data):
        self.index = index
        self.mail_from = mail_from  # "" for the null sender <>
        self.rcpt_tos = list(rcpt_tos)
        self.data = data  # bytes, CRLF line ends as sent by Postfix
        self._parsed = None

    @property
    def message(self):
        """The content parsed with the modern email policy: header values are
        RFC 2047 decoded (msg["Subject"] is a str)."""
        if self._parsed is None:
            self._parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        return self._parsed

    def header(self, name):
        value = self.message[name]
        return None if value is None else str(value)

    def text_body(self):
        part = self.message.get_body(preferencelist=("plain",))
        return "" if part is None else part.get_content()

    def is_reply(self):
        return self.mail_from == ""

    def as_json(self):
        return {
            "index": self.index,
            "mail_from": self.mail_from,
            "rcpt_tos": self.rcpt_tos,
            "data": self.data.decode("utf-8", errors="replace"),
        }

    def summary(self):
        return "<%s> -> %s  Subject: %r" % (
            self.mail_from, ",".join(self.rcpt_tos), self.header("Subject"))


class _Session(socketserver.StreamRequestHandler):
    timeout = 60

    def _reply(self, line):
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        mail_from, rcpt_tos = None, []
        self._reply("220 sink.test ESMTP")
        while True:
            line = self.rfile.readline(_MAX_LINE)
            if not line:
                return
            command = line.rstrip(b"\r\n")
            verb = command[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                if verb == b"EHLO":
                    self._reply("250-sink.test")
                    self._reply("250-8BITMIME")
                    self._reply("250-SMTPUTF8")
                self._reply("250 OK")
            elif verb == b"MAIL":
                match = _MAIL_FROM.match(command)
                if not match:
                    self._reply("501 syntax")
                    continue
                mail_from, rcpt_tos = match.group(1).decode("utf-8", "replace"), []
                self._reply("250 OK")
            elif verb == b"RCPT":
                match = _RCPT_TO.match(command)
                if mail_from is None or not match:
                    self._reply("503 need MAIL" if mail_from is None else "501 syntax")
                    continue
                rcpt_tos.append(match.group(1).decode("utf-8", "replace"))
                self._reply("250 OK")
            elif verb == b"DATA":
                if mail_from is None or not rcpt_tos:
                    self._reply("503 need RCPT")
                    continue
                self._reply("354 go ahead")
                data = self._read_data()
                if data is None:
                    return
                sink._record(mail_from, rcpt_tos, data)
                mail_from, rcpt_tos = None, []
                self._reply("250 OK queued")
            elif verb == b"RSET":
                mail_from, rcpt_tos = None, []
                self._reply("250 OK")
            elif verb == b"QUIT":
                self._reply("221 bye")
                return
            else:
                self._reply("250 OK")  # NOOP and anything else

    def _read_data(self):
        chunks, size = [], 0
        while True:
            line = self.rfile.readline(_MAX_LINE)
            if not line:
                return None
            if line in (b".\r\n", b".\n"):
                return b"".join(chunks)
            if line.startswith(b"."):
                line = line[1:]  # RFC 5321 section 4.5.2 transparency
            size += len(line)
            if size <= _MAX_MESSAGE:
                chunks.append(line)


class _Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


class SmtpSink:
    """Start with start(), read with messages()/wait_for(), end with stop()."""

    def __init__(self, directory, port=0):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self._server = _Server(("127.0.0.1", port), _Session, bind_and_activate=True)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._messages = []
        self._changed = threading.Condition()
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="smtp-sink", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(5)
            self._thread = None
        self._server.server_close()

    def _record(self, mail_from, rcpt_tos, data):
        with self._changed:
            message = SinkMessage(len(self._messages) + 1, mail_from, rcpt_tos, data)
            base = os.path.join(self.directory, "%03d" % message.index)
            with open(base + ".eml", "wb") as f:
                f.write(data)
            with open(base + ".json", "w", encoding="utf-8") as f:
                json.dump(message.as_json(), f, ensure_ascii=False, indent=1)
            self._messages.append(message)
            self._changed.notify_all()

    def messages(self):
        with self._changed:
            return list(self._messages)

    def count(self):
        with self._changed:
            return len(self._messages)

    def wait_for(self, count, timeout=20.0):
        """Waits until at least count messages arrived; returns all of them.
        Raises TimeoutError naming what did arrive."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("sink: %d of %d messages after %.0fs: %s" % (
                        len(self._messages), count, timeout,
                        [m.summary() for m in self._messages]))
                self._changed.wait(left)
            return list(self._messages)
