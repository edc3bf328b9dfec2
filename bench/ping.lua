-- wrk script for bench/graphql.py: POST /graphql `mutation { ping }`, the floor of a mutation.
--
-- Run with as many threads as connections (-t N -c N). The session's cookie comes with
-- `-H "Cookie: session_id=..."`: without one, every request would open a fresh session (a
-- write). The request is the same every time, so wrk formats it once per thread.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"query":"mutation { ping }"}'

-- Globals, read by done() through thread:get().
answered = 0
failed = 0

function response(status, headers, resp_body)
   if status == 200 and string.find(resp_body, '"ping":"pong"', 1, true) then
      answered = answered + 1
   else
      failed = failed + 1
   end
end

function done(summary, latency, requests)
   local a, f = 0, 0
   for _, thread in ipairs(threads) do
      a = a + thread:get("answered")
      f = f + thread:get("failed")
   end
   local e = summary.errors
   io.write(string.format(
      'WRK_RESULT {"requests":%d,"duration_us":%d,"completed":%d,"failed":%d,"sessions":1,' ..
      '"p50_us":%d,"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,' ..
      '"status":%d,"timeout":%d}}\n',
      summary.requests, summary.duration, a, f,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect, e.read, e.write, e.status, e.timeout))
end
