"""The limiter on Redis, shared by every worker: the same GCRA as `limiter.py`, in one script.

The caller passes "now" (the app's clock), so workers agree as far as their clocks do and tests
can move time. A key expires when its bucket is full again: idle addresses cost nothing."""

from __future__ import annotations

from typing import Any

from server.kernel.rate_limit.rates import Rate

GCRA_LUA = """
local now, period, interval = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowed_from = tat + interval - period
if now < allowed_from then return tostring(allowed_from - now) end
local new_tat = tat + interval
redis.call('SET', KEYS[1], tostring(new_tat), 'PX', math.ceil((new_tat - now) * 1000) + 1)
return '0'
"""


class RedisRateLimiter:
    def __init__(self, redis: Any, namespace: str) -> None:
        self.namespace = namespace
        self._script = redis.register_script(GCRA_LUA)

    async def hit(self, key: str, rate: Rate, now_s: float) -> float:
        if rate.unlimited:
            return 0.0
        interval = rate.period_s / rate.count
        wait = await self._script(keys=[f"{self.namespace}:rl:{key}"], args=[repr(now_s), rate.period_s, interval])
        return float(wait)
