-- Every command of the protocol, answered as libmilter answers it. The MTA
-- offers no step to skip and no step without reply (only SMFIP_SKIP), so
-- connect, HELO, unknown commands, DATA, end of headers and the body
-- reach the milter and each gets "continue"; body chunks of a message
-- whose body is not needed get "skip", every one of them. Then abort in
-- the middle of a message, and more messages on the same connection.
-- The Python half (every_step.py) adds QUIT_NC and no-reply steps.
dofile(scripts .. "/common.lua")
local conn = connect()
-- miltertest takes the steps third and the actions fourth (its source, not
-- its man page, is right about that).
check(mt.negotiate(conn, 6, SMFIP_SKIP, nil), "negotiate")

expect(SMFIR_CONTINUE, "connect", mt.conninfo, conn, "client.example.net", "192.0.2.1")
expect(SMFIR_CONTINUE, "helo", mt.helo, conn, "client.example.net")
expect(SMFIR_CONTINUE, "unknown", mt.unknown, conn, "XYZZY please")

local function message(queue_id, sender, rcpt, body_chunks)
  check(mt.macro(conn, SMFIC_MAIL, "i", queue_id), "macro")
  expect(SMFIR_CONTINUE, queue_id .. " mail", mt.mailfrom, conn, sender)
  expect(SMFIR_CONTINUE, queue_id .. " rcpt", mt.rcptto, conn, rcpt)
  expect(SMFIR_CONTINUE, queue_id .. " data", mt.data, conn)
  expect(SMFIR_CONTINUE, queue_id .. " header", mt.header, conn, "From", sender)
  expect(SMFIR_CONTINUE, queue_id .. " header", mt.header, conn, "To", rcpt)
  expect(SMFIR_CONTINUE, queue_id .. " header", mt.header, conn, "Subject", "hello " .. queue_id)
  expect(SMFIR_CONTINUE, queue_id .. " eoh", mt.eoh, conn)
  -- Mail to alice is no control mail: its body is not needed.
  for i = 1, body_chunks do
    expect(SMFIR_SKIP, queue_id .. " body chunk " .. i, mt.bodystring, conn,
           "line " .. i .. "\r\n")
  end
  expect(SMFIR_CONTINUE, queue_id .. " eom", mt.eom, conn)
  mt.echo(queue_id .. ": every step answered")
end

message("EV0001", "<bob@example.net>", "<alice@example.org>", 3)

-- Aborted after its headers: nothing of it may reach the next message.
check(mt.macro(conn, SMFIC_MAIL, "i", "EV0002"), "macro")
expect(SMFIR_CONTINUE, "EV0002 mail", mt.mailfrom, conn, "<dave@example.net>")
expect(SMFIR_CONTINUE, "EV0002 rcpt", mt.rcptto, conn, "<alice@example.org>")
expect(SMFIR_CONTINUE, "EV0002 header", mt.header, conn, "From", "dave@example.net")
check(mt.abort(conn), "abort")
mt.echo("EV0002: aborted")

message("EV0003", "<erin@example.net>", "<alice@example.org>", 1)
message("EV0004", "<bob@example.net>", "<alice@example.org>", 0)  -- answered once per period
mt.disconnect(conn)
