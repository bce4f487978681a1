-- Speaks the milter protocol to a running autoresponder-milter whose
-- sequences (run_body_miltertest.sh) do or do not have a body condition.
-- Globals: port, reads_body ("yes" or "no").
--   reads_body = yes: the first body chunk is answered "continue" (it is
--     kept), a chunk that reaches trigger_body_limit (1K) is answered
--     "skip": the MTA need not send the rest;
--   reads_body = no: the very first body chunk is answered "skip".

local function check(err, what)
  if err ~= nil then error(what .. ": " .. tostring(err)) end
end

local function expect(reply, wanted, what)
  if reply ~= wanted then
    error(what .. ": answered " .. tostring(reply) .. ", not " .. tostring(wanted))
  end
end

local conn = mt.connect("inet:" .. port .. "@127.0.0.1", 40, 0.25)
if conn == nil then error("cannot connect to the milter on port " .. port) end

local function order(queue_id, customer, first_chunk)
  check(mt.macro(conn, SMFIC_MAIL, "i", queue_id), "macro")
  check(mt.mailfrom(conn, "<orders@shop.example>"), "mailfrom")
  check(mt.rcptto(conn, "<" .. customer .. ">"), "rcptto")
  check(mt.header(conn, "From", "Shop orders <orders@shop.example>"), "header")
  check(mt.header(conn, "To", customer), "header")
  check(mt.header(conn, "Subject", "Order confirmation " .. queue_id), "header")
  check(mt.header(conn, "Message-ID", "<" .. queue_id .. "@shop.example>"), "header")
  check(mt.bodystring(conn, first_chunk), "body")
  return mt.getreply(conn)
end

local filler = string.rep("Thank you for shopping with us. ", 64) .. "\r\n"  -- 2 KiB

if reads_body == "yes" then
  expect(order("MTB001", "kari@example.no", "Your order:\r\nSKU PX-100\r\n"), SMFIR_CONTINUE,
         "MTB001 first body chunk")
  expect((function() check(mt.bodystring(conn, filler), "body") return mt.getreply(conn) end)(),
         SMFIR_SKIP, "MTB001 chunk past trigger_body_limit")
  check(mt.eom(conn), "eom")
  expect(mt.getreply(conn), SMFIR_CONTINUE, "MTB001 end of message")
  mt.echo("MTB001: body read up to the limit, then skipped")

  -- The product stands past the limit: never read, so never enrolled.
  expect(order("MTB002", "ola@example.no", filler), SMFIR_SKIP, "MTB002 first body chunk")
  check(mt.eom(conn), "eom")
  expect(mt.getreply(conn), SMFIR_CONTINUE, "MTB002 end of message")
  mt.echo("MTB002: skipped at the limit")
else
  expect(order("MTB003", "kari@example.no", "Your order:\r\nSKU PX-100\r\n"), SMFIR_SKIP,
         "MTB003 first body chunk")
  check(mt.eom(conn), "eom")
  expect(mt.getreply(conn), SMFIR_CONTINUE, "MTB003 end of message")
  mt.echo("MTB003: no body condition, body skipped at once")
end

mt.disconnect(conn)
