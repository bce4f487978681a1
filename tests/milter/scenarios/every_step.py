"""every_step, second half: Postfix's negotiation (MAIL, RCPT and headers
without reply; the only answer is at end of message), several messages,
and QUIT_NC: the MTA reuses the connection for a new SMTP session, whose
macros and message state start empty."""

import sys

from milter_client import ALL_STEPS, MilterClient, no_reply_message

SMFIP_NR_MAIL, SMFIP_NR_RCPT, SMFIP_NR_HDR = 0x4000, 0x8000, 0x80

port = int(sys.argv[1])
client = MilterClient(port)
steps = client.negotiate(steps=ALL_STEPS)
want = SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR
if steps & want != want:
    raise AssertionError("no-reply steps not negotiated: 0x%x" % steps)

no_reply_message(client, "EV0005", "<frank@example.net>", "<alice@example.org>",
                 [("From", "frank@example.net"), ("To", "alice@example.org"),
                  ("Subject", "first")])
# Three body chunks sent at once, before the first answer is read (as an
# MTA streaming the body may): each is answered skip, not only the first.
client.macro(b"M", "{mail_mailer}", "smtp")
client.send(b"M", b"<henry@example.net>\0")
client.send(b"R", b"<alice@example.org>\0")
client.send(b"L", b"From\0henry@example.net\0")
client.send(b"L", b"To\0alice@example.org\0")
for chunk in (b"one\r\n", b"two\r\n", b"three\r\n"):
    client.send(b"B", chunk)
for n in range(3):
    client.expect(b"s", "body chunk %d after a skip" % (n + 1))
client.macro(b"E", "i", "EV0007")
client.send(b"E")
client.expect(b"c", "EV0007 end of message")

# Aborted half-way, then QUIT_NC: a new SMTP session on the same socket.
client.send(b"M", b"<mallory@example.net>\0")
client.send(b"R", b"<alice@example.org>\0")
client.send(b"A")
client.send(b"K")
no_reply_message(client, "EV0006", "<grace@example.net>", "<alice@example.org>",
                 [("From", "grace@example.net"), ("To", "alice@example.org"),
                  ("Subject", "after QUIT_NC")])
client.send(b"Q")
if not client.is_closed():
    raise AssertionError("QUIT did not close the connection")
print("every_step.py: no-reply steps, QUIT_NC and QUIT as libmilter")
