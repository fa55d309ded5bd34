-- Compare the gate with the database. KEYS[1]: units. ARGV: seen seq ('' = none), then sku, db_left pairs.
-- Above the database (or garbage): clamped down at once. Below it: raised only if no take or give
-- happened since the last pass (`seen` = `_seq`), i.e. no checkout is between gate and database.
local units = KEYS[1]
if not tonumber(redis.call('HGET', units, '_limit')) then return {-1, 0} end
local seq = tonumber(redis.call('HGET', units, '_seq')) or 0
local quiet = ARGV[1] ~= '' and tonumber(ARGV[1]) == seq
local changed = 0
for i = 2, #ARGV, 2 do
  local sku, db_left = ARGV[i], tonumber(ARGV[i + 1])
  local now = tonumber(redis.call('HGET', units, sku))
  if (not now) or now > db_left or (now < db_left and quiet) then
    redis.call('HSET', units, sku, db_left)
    changed = changed + 1
  end
end
return {seq, changed}
