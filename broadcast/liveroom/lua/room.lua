-- The live room's atomic steps in Redis. Giving out `seq`, keeping the short history and
-- PUBLISHing happen in one script, so every subscriber receives a session's events in `seq`
-- order with no gaps, whichever worker published them.
-- KEYS: seq, history, likes, likes_by_ref, carts, carts_by_ref, likes_dirty, carts_dirty,
--       likes_gate, carts_gate, presence_seen, presence_count, presence_refs, viewers_last, viewers_gate
-- ARGV: channel, history_max, ttl_s, op, op args...
local channel, history_max, ttl, op = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]

local function publish(prefix)
  local seq = redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], ttl)
  local t = redis.call('TIME')
  local ts = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local event = prefix .. ',"seq":' .. seq .. ',"ts":' .. ts .. '}'
  redis.call('ZADD', KEYS[2], seq, event)
  redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(history_max + 1))
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('PUBLISH', channel, event)
  return event
end

-- 0 = nothing to send, 1 = waiting for the gate (call again), 2 = published
local function flush_likes(gate_ms)
  if redis.call('EXISTS', KEYS[7]) == 0 then return 0 end
  if not redis.call('SET', KEYS[9], '1', 'PX', gate_ms, 'NX') then return 1 end
  redis.call('DEL', KEYS[7])
  publish('{"type":"likes","total":' .. (redis.call('GET', KEYS[3]) or '0'))
  return 2
end

local function flush_carts(gate_ms)
  if redis.call('EXISTS', KEYS[8]) == 0 then return 0 end
  if not redis.call('SET', KEYS[10], '1', 'PX', gate_ms, 'NX') then return 1 end
  redis.call('DEL', KEYS[8])
  local flat, parts = redis.call('HGETALL', KEYS[5]), {}
  for i = 1, #flat, 2 do parts[#parts + 1] = cjson.encode(flat[i]) .. ':' .. flat[i + 1] end
  publish('{"type":"carts","counts":{' .. table.concat(parts, ',') .. '}')
  return 2
end

local function touch(...)
  for _, key in ipairs({...}) do redis.call('EXPIRE', key, ttl) end
end

if op == 'append' then
  return publish(ARGV[5])
elseif op == 'like' then
  -- ARGV: gate_ms, then (ref, count) pairs; ref '' = no link code
  for i = 6, #ARGV, 2 do
    redis.call('INCRBY', KEYS[3], ARGV[i + 1])
    if ARGV[i] ~= '' then redis.call('HINCRBY', KEYS[4], ARGV[i], ARGV[i + 1]) end
  end
  redis.call('SET', KEYS[7], '1')
  touch(KEYS[3], KEYS[4], KEYS[7])
  return flush_likes(tonumber(ARGV[5]))
elseif op == 'cart' then
  redis.call('HINCRBY', KEYS[5], ARGV[5], ARGV[6])
  if ARGV[7] ~= '' then redis.call('HINCRBY', KEYS[6], ARGV[7], ARGV[6]) end
  redis.call('SET', KEYS[8], '1')
  touch(KEYS[5], KEYS[6], KEYS[8])
  return flush_carts(tonumber(ARGV[8]))
elseif op == 'floor' then
  -- ARGV: likes floor, then (sku, count floor) pairs: raise to at least, never lower
  if tonumber(redis.call('GET', KEYS[3]) or '0') < tonumber(ARGV[5]) then redis.call('SET', KEYS[3], ARGV[5]) end
  for i = 6, #ARGV, 2 do
    if tonumber(redis.call('HGET', KEYS[5], ARGV[i]) or '0') < tonumber(ARGV[i + 1]) then
      redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1])
    end
  end
  touch(KEYS[3], KEYS[5])
  return 0
elseif op == 'flush' then
  local gate_ms = tonumber(ARGV[5])
  return {flush_likes(gate_ms), flush_carts(gate_ms)}
elseif op == 'presence' then
  -- ARGV: worker, count, refs_json, now_ms, stale_ms, gate_ms
  local worker, now = ARGV[5], tonumber(ARGV[8])
  if tonumber(ARGV[6]) > 0 then
    redis.call('ZADD', KEYS[11], now, worker)
    redis.call('HSET', KEYS[12], worker, ARGV[6])
    redis.call('HSET', KEYS[13], worker, ARGV[7])
  else
    redis.call('ZREM', KEYS[11], worker); redis.call('HDEL', KEYS[12], worker); redis.call('HDEL', KEYS[13], worker)
  end
  for _, w in ipairs(redis.call('ZRANGEBYSCORE', KEYS[11], '-inf', now - tonumber(ARGV[9]))) do
    redis.call('ZREM', KEYS[11], w); redis.call('HDEL', KEYS[12], w); redis.call('HDEL', KEYS[13], w)
  end
  touch(KEYS[11], KEYS[12], KEYS[13])
  local total = 0
  for _, v in ipairs(redis.call('HVALS', KEYS[12])) do total = total + tonumber(v) end
  if redis.call('GET', KEYS[14]) ~= tostring(total) and redis.call('SET', KEYS[15], '1', 'PX', ARGV[10], 'NX') then
    redis.call('SET', KEYS[14], tostring(total), 'EX', ttl)
    publish('{"type":"viewers","count":' .. total)
  end
  return total
end
return redis.error_reply('unknown op ' .. tostring(op))
