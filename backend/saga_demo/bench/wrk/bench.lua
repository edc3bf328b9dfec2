-- wrk script for `saga-demo bench`: one kind of request in a closed loop, checked answer by answer.
--
-- Arguments (after `--`): method, path, body ("" for none), the status and the text a good answer
-- has, and orders per session (0: no sessions of its own; a cookie may come with -H).
-- With sessions, run as many threads as connections (-t N -c N): each thread owns one connection,
-- so the per-thread state below is per connection. A connection uses one session (its cookie)
-- for `per_session` requests, then sends the next without a cookie, which opens a fresh session
-- (with fresh stock) in that same request: every order can be a happy path.
-- done() prints one line, WRK_RESULT {json}, with 1000 quantiles of the latency (0.1 % steps,
-- the last being the maximum), so that the runs of several wrk processes can be merged.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local method, path, body, status_ok, marker = "GET", "/health", nil, 200, ""
local per_session = 0
local fixed = nil
local fixed_session = nil
local cookie = nil
local used = 0

-- Globals, read by done() through thread:get().
good = 0
bad = 0
sessions = 0

function init(args)
   method = args[1] or method
   path = args[2] or path
   if args[3] ~= nil and args[3] ~= "" then body = args[3] end
   status_ok = tonumber(args[4] or "200")
   marker = args[5] or ""
   per_session = tonumber(args[6] or "0")
   -- wrk.format uses the headers it is given instead of wrk.headers (those of -H), not with
   -- them: copy them in, or a session cookie given with -H is never sent.
   local headers = {}
   for name, value in pairs(wrk.headers) do headers[name] = value end
   if body ~= nil then headers["Content-Type"] = "application/json" end
   if per_session == 0 then
      fixed = wrk.format(method, path, headers, body)
      fixed_session = string.match(headers["Cookie"] or "", "session_id=([^;]+)")
   end
end

function request()
   if fixed ~= nil then return fixed end
   local headers = { ["Content-Type"] = "application/json" }
   if cookie ~= nil and used < per_session then
      headers["Cookie"] = "session_id=" .. cookie
   else
      cookie = nil
      used = 0
   end
   used = used + 1
   return wrk.format(method, path, headers, body)
end

function response(status, headers, resp_body)
   local set = headers["set-cookie"] or headers["Set-Cookie"]
   if fixed_session ~= nil and set ~= nil
      and string.match(set, "session_id=([^;]+)") ~= fixed_session then
      bad = bad + 1  -- the server did not see the session sent: it opened another
      return
   end
   if per_session > 0 and cookie == nil then
      if set ~= nil then
         cookie = string.match(set, "session_id=([^;]+)")
         sessions = sessions + 1
      end
   end
   if status == status_ok and string.find(resp_body, marker, 1, true) then
      good = good + 1
   else
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local g, b, s = 0, 0, 0
   for _, thread in ipairs(threads) do
      g = g + thread:get("good")
      b = b + thread:get("bad")
      s = s + thread:get("sessions")
   end
   local quantiles = {}
   for i = 1, 999 do
      quantiles[i] = string.format("%d", latency:percentile(i / 10))
   end
   quantiles[1000] = string.format("%d", latency.max)
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"good":%d,"bad":%d,"sessions":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"quantiles_us":[%s]}\n',
      summary.requests, summary.duration, g, b, s,
      e.connect, e.read, e.write, e.status, e.timeout, table.concat(quantiles, ",")))
end
