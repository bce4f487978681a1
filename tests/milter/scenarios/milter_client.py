"""A raw milter protocol client (the MTA side), for what miltertest(8)
cannot send: QUIT_NC, steps negotiated without reply, malformed packets.
Constants from libmilter's mfdef.h/mfapi.h."""

import socket
import struct

SMFIF_DELRCPT = 0x08
SMFIF_SETSYMLIST = 0x100
ALL_STEPS = 0x1FFFFF  # what Postfix offers

REPLY_CONTINUE = b"c"
REPLY_SKIP = b"s"


class Closed(Exception):
    pass


class MilterClient:
    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""
        self.steps = 0

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, command, data=b""):
        self.send_raw(struct.pack("!I", len(data) + 1) + command + data)

    def reply(self):
        """The next reply packet as (code, data); Closed when the milter closed."""
        while True:
            if len(self.buffer) >= 4:
                (length,) = struct.unpack("!I", self.buffer[:4])
                if len(self.buffer) >= 4 + length:
                    packet = self.buffer[4:4 + length]
                    self.buffer = self.buffer[4 + length:]
                    return packet[:1], packet[1:]
            data = self.sock.recv(65536)
            if not data:
                raise Closed()
            self.buffer += data

    def expect(self, code, what):
        got, _ = self.reply()
        if got != code:
            raise AssertionError("%s: answered %r, expected %r" % (what, got, code))

    def negotiate(self, actions=0x1FF, steps=ALL_STEPS):
        self.send(b"O", struct.pack("!III", 6, actions, steps))
        code, data = self.reply()
        if code != b"O":
            raise AssertionError("negotiation answered %r" % code)
        self.steps = struct.unpack("!I", data[8:12])[0]
        return self.steps

    def macro(self, stage, *pairs):
        self.send(b"D", stage + b"".join(s.encode() + b"\0" for s in pairs))

    def nothing_pending(self, wait=0.3):
        """True when no reply arrives within wait."""
        if self.buffer:
            return False
        self.sock.settimeout(wait)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return True
        finally:
            self.sock.settimeout(10.0)
        self.buffer += data
        return False

    def is_closed(self, wait=5.0):
        """True when the milter closed the connection (EOF or reset) within wait."""
        self.sock.settimeout(wait)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False

    def close(self):
        self.sock.close()


def zstr(*strings):
    return b"".join(s.encode() + b"\0" for s in strings)


def no_reply_message(client, queue_id, sender, rcpt, headers):
    """A message with MAIL, RCPT and headers negotiated without reply (as
    Postfix does): the only answer is the end of message's."""
    client.macro(b"M", "{mail_mailer}", "smtp")
    client.send(b"M", zstr(sender))
    client.send(b"R", zstr(rcpt))
    for name, value in headers:
        client.send(b"L", zstr(name, value))
    if not client.nothing_pending():
        raise AssertionError("%s: MAIL, RCPT or a header was answered although negotiated "
                             "without reply" % queue_id)
    client.macro(b"E", "i", queue_id)
    client.send(b"E")
    code, _ = client.reply()  # a reply to MAIL/RCPT/header would come first
    if code != REPLY_CONTINUE:
        raise AssertionError("%s: first answer %r, expected the end of message's continue"
                             % (queue_id, code))
