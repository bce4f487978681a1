-- Shared by the scenarios: checks that name what failed.
function check(err, what)
  if err ~= nil then error(what .. ": " .. tostring(err)) end
end

-- Sends with fn(conn, ...) and requires the reply `want`.
function expect(want, what, fn, conn, ...)
  check(fn(conn, ...), what)
  local got = mt.getreply(conn)
  if got ~= want then
    error(what .. ": answered " .. tostring(got) .. ", expected " .. tostring(want))
  end
end

function connect()
  local conn = mt.connect("inet:" .. port .. "@127.0.0.1", 40, 0.25)
  if conn == nil then error("cannot connect to the milter on port " .. port) end
  return conn
end
