"""Malformed input closes only the connection it came on: a bystander
connection, in the middle of a message the whole time, still gets its
answer at the end, and the milter keeps serving new connections.

The event engine closes the connection on each bad packet. libmilter, the
reference, is held only to the bystander part: it keeps some of these
connections open (it waits on a zero length, for one), which is reported,
not failed."""

import struct
import sys

from milter_client import MilterClient, no_reply_message, zstr

port = int(sys.argv[1])
engine = sys.argv[3]

BAD = [
    ("a packet of length zero", struct.pack("!I", 0)),
    ("a packet longer than any MTA sends", struct.pack("!I", 0x7FFFFFFF) + b"M"),
    ("an unknown command", struct.pack("!I", 1) + b"Z"),
    ("MAIL without its terminating NUL", struct.pack("!I", 11) + b"M<x@y.test>"),
    ("a header without a value", struct.pack("!I", 6) + b"LFrom\0"),
    ("option negotiation too short", struct.pack("!I", 5) + b"O\0\0\0\6"),
]

bystander = MilterClient(port)
bystander.negotiate()
bystander.macro(b"M", "{mail_mailer}", "smtp")
bystander.send(b"M", zstr("<bob@example.net>"))
bystander.send(b"R", zstr("<alice@example.org>"))

for what, data in BAD:
    bad = MilterClient(port)
    bad.negotiate()
    if what.startswith("a header"):
        bad.send(b"M", zstr("<eve@example.net>"))
    bad.send_raw(data)
    closed = bad.is_closed(wait=3.0)
    bad.close()
    if not closed and engine == "event":
        raise AssertionError("%s: the connection stayed open" % what)
    print("raw_packets.py: %s: %s" % (what, "connection closed" if closed else "left open"))

# Half a packet, then the MTA hangs up: nothing to answer, nothing breaks.
cut = MilterClient(port)
cut.negotiate()
cut.send_raw(struct.pack("!I", 40) + b"M<half")
cut.close()

bystander.send(b"L", zstr("From", "bob@example.net"))
bystander.send(b"L", zstr("To", "alice@example.org"))
bystander.macro(b"E", "i", "RP0001")
bystander.send(b"E")
bystander.expect(b"c", "the bystander's end of message")
bystander.close()

fresh = MilterClient(port)
fresh.negotiate()
no_reply_message(fresh, "RP0002", "<carol@example.net>", "<alice@example.org>",
                 [("From", "carol@example.net"), ("To", "alice@example.org")])
fresh.close()
print("raw_packets.py: the other connections were served")
