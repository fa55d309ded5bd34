-- Replace a session's gate with the database's counts (the caller holds the rebuild lock).
-- KEYS as take.lua. ARGV: ttl, limit, n SKUs, then n (sku, left), m bought, then m (field, units), then won members.
local units, bought, won = KEYS[1], KEYS[2], KEYS[3]
local ttl, limit = tonumber(ARGV[1]), ARGV[2]
local seq = (tonumber(redis.call('HGET', units, '_seq')) or 0) + 1  -- a rebuild counts as a move
redis.call('DEL', units, bought, won)
redis.call('HSET', units, '_limit', limit, '_seq', seq)
local i, n = 4, tonumber(ARGV[3])
for _ = 1, n do redis.call('HSET', units, ARGV[i], ARGV[i + 1]); i = i + 2 end
local m = tonumber(ARGV[i]); i = i + 1
for _ = 1, m do redis.call('HSET', bought, ARGV[i], ARGV[i + 1]); i = i + 2 end
for j = i, #ARGV do redis.call('SADD', won, ARGV[j]) end
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ttl) end
return seq
