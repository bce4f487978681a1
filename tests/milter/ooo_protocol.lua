-- Speaks the milter protocol to a running autoresponder-milter the way an
-- MTA does. Globals from run_miltertest.sh: port.
-- 1. a normal message to alice: the milter answers "continue" at end of
--    message (the reply is recorded; the driver script checks the store);
-- 2. a mailing-list message: also "continue", nothing recorded;
-- 3. a message whose headers try to inject a header through CR/LF: continue.

local function check(err, what)
  if err ~= nil then error(what .. ": " .. tostring(err)) end
end

local function message(conn, queue_id, sender, rcpt, headers)
  check(mt.macro(conn, SMFIC_MAIL, "i", queue_id), "macro")
  check(mt.mailfrom(conn, sender), "mailfrom")
  check(mt.rcptto(conn, rcpt), "rcptto")
  for _, h in ipairs(headers) do check(mt.header(conn, h[1], h[2]), "header " .. h[1]) end
  -- No eoh or body: the milter negotiated those steps away (SMFIP_NOEOH,
  -- SMFIP_NOBODY), and miltertest refuses to send a negotiated-away step.
  check(mt.eom(conn), "eom")
  local reply = mt.getreply(conn)
  if reply ~= SMFIR_CONTINUE and reply ~= SMFIR_ACCEPT then
    error(queue_id .. ": end of message answered " .. tostring(reply) .. ", not continue")
  end
  mt.echo(queue_id .. ": let through")
end

local conn = mt.connect("inet:" .. port .. "@127.0.0.1", 40, 0.25)
if conn == nil then error("cannot connect to the milter on port " .. port) end
-- The milter asks to skip connect and HELO (SMFIP_NOCONNECT, SMFIP_NOHELO):
-- it reads nothing there. miltertest would refuse to send them.

message(conn, "MT0001", "<bob@example.net>", "<alice@example.org>", {
  {"From", "Bob <bob@example.net>"},
  {"To", "Alice <alice@example.org>"},
  {"Subject", "=?UTF-8?B?0J/RgNC40LLQtdGCLCDQvNC40YA=?="},
  {"Message-ID", "<mt1@example.net>"}})

message(conn, "MT0002", "<news@lists.example.net>", "<alice@example.org>", {
  {"From", "Dev list <dev@lists.example.net>"},
  {"To", "dev@lists.example.net, alice@example.org"},
  {"List-Id", "<dev.lists.example.net>"},
  {"Subject", "weekly digest"}})

message(conn, "MT0003", "<carol@example.net>", "<alice@example.org>", {
  {"From", "carol@example.net"},
  {"To", "alice@example.org"},
  {"Subject", "hi\r\nBcc: victim@example.com"},
  {"Message-ID", "<mt3@example.net>"}})

mt.disconnect(conn)
