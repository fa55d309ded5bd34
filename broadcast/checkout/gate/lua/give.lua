-- Give back the take made under one checkout key, once. KEYS and ARGV as take.lua.
-- A gate rebuilt since (the key is not in `won`) already has the database's counts: nothing to do.
local units, bought, won = KEYS[1], KEYS[2], KEYS[3]
local prefix = ARGV[2]
if redis.call('SREM', won, ARGV[1]) == 0 then return 0 end
for i = 3, #ARGV, 2 do
  local sku, quantity = ARGV[i], tonumber(ARGV[i + 1])
  if tonumber(redis.call('HGET', units, sku)) then redis.call('HINCRBY', units, sku, quantity) end
  if redis.call('HINCRBY', bought, prefix .. sku, -quantity) <= 0 then redis.call('HDEL', bought, prefix .. sku) end
end
redis.call('HINCRBY', units, '_seq', 1)
return 1
