"""The limiter port and its in-process adapter.

A generic cell rate algorithm (GCRA, the token bucket written as one timestamp per key): a rate of
N per period lets N through at once, then one every period/N. Each key stores its "theoretical
arrival time"; a hit is refused while that time is more than one period ahead of now, and the
refusal says how long until the next hit would pass (the `Retry-After`). One number per key, so
the Redis adapter is one short script and the memory one a dict."""

from __future__ import annotations

import math
from typing import Protocol

from server.kernel.rate_limit.rates import Rate

# The memory adapter drops keys whose bucket is full again once it holds this many (an address
# spray cannot grow it without bound between two sweeps).
MEMORY_SWEEP_AT = 50_000


class RateLimiter(Protocol):
    async def hit(self, key: str, rate: Rate, now_s: float) -> float:
        """Count one hit on `key`; 0 if it passes, else the seconds until one would."""


def gcra(tat_s: float | None, rate: Rate, now_s: float) -> tuple[float, float]:
    """(new arrival time to store, 0) if the hit passes, else (unchanged, seconds to wait)."""
    interval = rate.period_s / rate.count
    tat = max(tat_s or now_s, now_s)
    allowed_from = tat + interval - rate.period_s
    if now_s < allowed_from:
        return tat, allowed_from - now_s
    return tat + interval, 0.0


def retry_after_s(wait_s: float) -> int:
    """Whole seconds for a `Retry-After` header, never 0 (0 would invite an instant retry)."""
    return max(1, math.ceil(wait_s))


class MemoryRateLimiter:
    """One process (SQLite, no Redis): the buckets live in this worker's memory."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.sweep_at = MEMORY_SWEEP_AT

    async def hit(self, key: str, rate: Rate, now_s: float) -> float:
        if rate.unlimited:
            return 0.0
        if len(self.arrivals) >= self.sweep_at:
            self._sweep(now_s)
            # amortised: if most keys are still live, the next sweep waits until the dict doubles
            self.sweep_at = max(MEMORY_SWEEP_AT, 2 * len(self.arrivals))
        tat, wait = gcra(self.arrivals.get(key), rate, now_s)
        self.arrivals[key] = tat
        return wait

    def _sweep(self, now_s: float) -> None:
        """A bucket whose arrival time has passed is full again: the same as no entry at all."""
        self.arrivals = {key: tat for key, tat in self.arrivals.items() if tat > now_s}
