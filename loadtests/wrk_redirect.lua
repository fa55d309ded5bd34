-- wrk script for `python -m loadtests redirect`: every request is a new visitor (its own zx_vid
-- cookie, so de-duplication keeps every click) with a phone browser's user agent; at the end it
-- prints how many times request() ran. wrk runs it once per thread before it connects for real
-- and never sends that one (visitor number 1), so the benchmark checks clicks by number.
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  nonce = args[1] or "run"
  sent = 0
end

function request()
  sent = sent + 1
  return wrk.format("GET", wrk.path, {
    ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0",
    ["Cookie"] = "zx_vid=bench-" .. nonce .. "-t" .. tid .. "-" .. sent,
  })
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("sent") end
  io.write(string.format("SENT %d\n", total))
end
