-- wrk script for `python -m loadtests rush`: partners' links opened at a steady rate. Arguments
-- (after `--`): a nonce, the rate per thread (requests a second) and the link codes, comma-separated.
-- Each request opens the next code in turn as a new visitor (its own zx_vid: bench-<nonce>-t<thread>-<n>,
-- so the benchmark can tell lost clicks by number, like the redirect benchmark). Pacing: wrk asks
-- delay() before every request; each request takes the next slot of an even schedule (LuaJIT's ffi
-- reads the monotonic clock), and a thread that falls behind restarts the schedule from now instead of
-- bursting to catch up — the run reports the rate it reached.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } zx_timespec;
int clock_gettime(int clock_id, zx_timespec *tp);
]]
local clock = ffi.new("zx_timespec")
local CLOCK_MONOTONIC = 1

local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  nonce = args[1] or "rush"
  interval_ms = 1000 / tonumber(args[2] or "1000")
  codes = {}
  for code in string.gmatch(args[3] or "", "[^,]+") do
    table.insert(codes, code)
  end
  sent = 0
  next_at = nil
end

function delay()
  local now = now_ms()
  if next_at == nil or next_at < now then
    next_at = now
  end
  local wait = next_at - now
  next_at = next_at + interval_ms
  return math.floor(wait)
end

function request()
  sent = sent + 1
  local code = codes[(sent + tid) % #codes + 1]
  return wrk.format("GET", "/l/" .. code, {
    ["User-Agent"] = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0",
    ["Cookie"] = "zx_vid=bench-" .. nonce .. "-t" .. tid .. "-" .. sent,
  })
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("sent") end
  io.write(string.format("SENT %d\n", total))
end
