-- A store that fills up: every end of message is still answered continue
-- (never harm mail flow), on one connection and across several, while the
-- milter logs that it cannot record. The reply text is ~35 KB, so a 1 MiB
-- map is full after a few dozen replies. Globals: port, scripts.
dofile(scripts .. "/common.lua")

local function message(conn, i)
  local queue_id = string.format("SF%04d", i)
  local sender = string.format("<filler%03d@example.net>", i)
  check(mt.macro(conn, SMFIC_MAIL, "i", queue_id), "macro")
  check(mt.mailfrom(conn, sender), queue_id .. " mail")
  check(mt.rcptto(conn, "<alice@example.org>"), queue_id .. " rcpt")
  check(mt.header(conn, "From", sender), queue_id .. " header")
  check(mt.header(conn, "To", "Alice <alice@example.org>"), queue_id .. " header")
  check(mt.header(conn, "Subject", "filler " .. i), queue_id .. " header")
  check(mt.eom(conn), queue_id .. " eom")
  if mt.getreply(conn) ~= SMFIR_CONTINUE then
    error(queue_id .. ": end of message not answered continue")
  end
end

local i = 0
for round = 1, 6 do
  local conn = connect()
  check(mt.negotiate(conn, 6, nil, nil), "negotiate")
  for _ = 1, 15 do
    i = i + 1
    message(conn, i)
  end
  mt.disconnect(conn)
end
mt.echo(i .. " messages answered continue")
