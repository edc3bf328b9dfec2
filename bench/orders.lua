-- wrk script for bench/load.py: POST /orders with a JSON body, waiting for each saga.
--
-- Run with as many threads as connections (-t N -c N): each thread then owns one connection,
-- so the per-thread state below is per-connection state. Each connection uses one session
-- (cookie) for `per_session` orders, then sends its next order without a cookie, which opens a
-- fresh session (with fresh stock) in that same request; so every order can be a happy path.
-- Arguments (after `--`): per_session, body.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

local per_session = 100
local body = '{"user_id":"user_1","product_id":"product_1","quantity":1,"amount":"0.01"}'
local cookie = nil
local used = 0

-- Globals, read by done() through thread:get().
completed = 0
failed = 0
sessions = 0

function init(args)
   if args[1] ~= nil then per_session = tonumber(args[1]) end
   if args[2] ~= nil then body = args[2] end
end

function request()
   local headers = { ["Content-Type"] = "application/json" }
   if cookie ~= nil and used < per_session then
      headers["Cookie"] = "session_id=" .. cookie
   else
      cookie = nil
      used = 0
   end
   used = used + 1
   return wrk.format("POST", "/orders", headers, body)
end

function response(status, headers, resp_body)
   if cookie == nil then
      local set = headers["set-cookie"] or headers["Set-Cookie"]
      if set ~= nil then
         cookie = string.match(set, "session_id=([^;]+)")
         sessions = sessions + 1
      end
   end
   if status == 201 and string.find(resp_body, '"status":"completed","steps"', 1, true) then
      completed = completed + 1
   else
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local c, f, s = 0, 0, 0
   for _, thread in ipairs(threads) do
      c = c + thread:get("completed")
      f = f + thread:get("failed")
      s = s + thread:get("sessions")
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"completed":%d,"failed":%d,"sessions":%d,' ..
      '"p50_us":%d,"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
      '"status":%d,"timeout":%d}}\n',
      summary.requests, summary.duration, c, f, s,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
