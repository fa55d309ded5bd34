-- Take a checkout's units and the buyer's slots, all lines or none; or probe (no lines).
-- KEYS: units (hash sku -> left, plus _limit and _seq), bought (hash visitor\31sku -> units),
--       won (set of visitor\31key whose take stands).
-- ARGV: won member, buyer prefix (visitor\31), then sku, quantity pairs.
-- Returns {verdict, sku, count, limit}: 0 taken, 1 sold out, 2 over limit, 3 missing, 4 replay, 5 open.
local units, bought, won = KEYS[1], KEYS[2], KEYS[3]
local member, prefix = ARGV[1], ARGV[2]
local limit = tonumber(redis.call('HGET', units, '_limit'))
if not limit then return {3, '', 0, 0} end
if redis.call('SISMEMBER', won, member) == 1 then return {4, '', 0, 0} end

local function had(sku)
  return tonumber(redis.call('HGET', bought, prefix .. sku)) or 0
end

if #ARGV == 2 then
  local over = nil
  local fields = redis.call('HGETALL', units)
  for i = 1, #fields, 2 do
    local sku = fields[i]
    if string.sub(sku, 1, 1) ~= '_' then
      local left = tonumber(fields[i + 1])
      if not left then return {3, sku, 0, 0} end
      if left > 0 then
        if had(sku) < limit then return {5, '', 0, 0} end
        over = sku
      end
    end
  end
  if over then return {2, over, had(over), limit} end
  return {1, '', 0, 0}
end

for i = 3, #ARGV, 2 do
  local sku, quantity = ARGV[i], tonumber(ARGV[i + 1])
  local left = tonumber(redis.call('HGET', units, sku))
  if not left then return {3, sku, 0, 0} end
  if left < quantity then return {1, sku, math.max(0, left), 0} end
  local n = had(sku)
  if n + quantity > limit then return {2, sku, n, limit} end
end
for i = 3, #ARGV, 2 do
  local sku, quantity = ARGV[i], tonumber(ARGV[i + 1])
  redis.call('HINCRBY', units, sku, -quantity)
  redis.call('HINCRBY', bought, prefix .. sku, quantity)
end
redis.call('SADD', won, member)
redis.call('HINCRBY', units, '_seq', 1)
return {0, '', 0, 0}
