-- Control mail with the MTA's usual negotiation (steps skipped, MAIL, RCPT
-- and headers without reply): kari enrols, then her unsubscribe mail is
-- consumed (SMFIR_DELRCPT of the control address, the rest delivered), a
-- message to nothing but a control address is discarded, and a DSN to
-- bounces+TOKEN has its body read (body chunks answered continue, not
-- skip). Globals: port, token (kari's), scripts.
dofile(scripts .. "/common.lua")
local conn = connect()
check(mt.negotiate(conn, 6, nil, nil), "negotiate")
local unsubscribe = "<unsubscribe+" .. token .. "@shop.example>"
local bounces = "<bounces+" .. token .. "@shop.example>"

local function start(queue_id, sender, rcpts, headers)
  -- Received over SMTP, as Postfix's smtpd says with {mail_mailer}.
  check(mt.macro(conn, SMFIC_MAIL, "i", queue_id, "{mail_mailer}", "smtp"), "macro")
  check(mt.mailfrom(conn, sender), queue_id .. " mail")
  for _, r in ipairs(rcpts) do check(mt.rcptto(conn, r), queue_id .. " rcpt " .. r) end
  for _, h in ipairs(headers) do check(mt.header(conn, h[1], h[2]), queue_id .. " header") end
end

local function finish(queue_id, want)
  check(mt.eom(conn), queue_id .. " eom")
  local got = mt.getreply(conn)
  if got ~= want then
    error(queue_id .. ": end of message answered " .. tostring(got) .. ", expected " .. tostring(want))
  end
end

start("CM0001", "<kari@example.no>", {"<signup@shop.example>"},
      {{"From", "Kari <kari@example.no>"}, {"Subject", "sign me up"}})
finish("CM0001", SMFIR_CONTINUE)
mt.echo("CM0001: kari enrolled")

start("CM0002", "<kari@example.no>", {unsubscribe, "<bob@example.org>"},
      {{"From", "kari@example.no"}, {"Subject", "unsubscribe"}})
finish("CM0002", SMFIR_CONTINUE)
if not mt.eom_check(conn, MT_RCPTDELETE, unsubscribe) then
  error("CM0002: the unsubscribe address was not removed")
end
if mt.eom_check(conn, MT_RCPTDELETE, "<bob@example.org>") then
  error("CM0002: bob was removed")
end
mt.echo("CM0002: unsubscribe consumed, bob still gets it")

start("CM0003", "<kari@example.no>", {unsubscribe},
      {{"From", "kari@example.no"}, {"Subject", "unsubscribe"}})
finish("CM0003", SMFIR_DISCARD)
mt.echo("CM0003: nothing left to deliver, discarded")

start("CM0004", "<>", {bounces},
      {{"From", "MAILER-DAEMON@mx.example.no"},
       {"Content-Type", 'multipart/report; report-type=delivery-status; boundary="b"'}})
-- The body of a bounce is read: continue, never skip.
expect(SMFIR_CONTINUE, "CM0004 body", mt.bodystring, conn,
       "--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.no\r\n")
expect(SMFIR_CONTINUE, "CM0004 body", mt.bodystring, conn,
       "\r\nFinal-Recipient: rfc822; kari@example.no\r\nAction: failed\r\nStatus: 5.1.1\r\n--b--\r\n")
finish("CM0004", SMFIR_DISCARD)
mt.echo("CM0004: bounce read and consumed")
mt.disconnect(conn)
