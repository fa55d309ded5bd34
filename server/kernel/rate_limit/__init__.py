"""Abuse limits: a rate limiter and a connection cap, each a port with a memory adapter (one
process) and a Redis adapter (every worker shares the counts), and the app's policy over them.

Not Litestar's `RateLimitMiddleware`: it has one rate per app (ours differ per action), keys only
by client address (ours by the `zx_vid` cookie too), sees HTTP only (the room's comments and
sockets are websocket), and keeps each key's history as a get-then-set on its store, which two
workers on one Redis can interleave and so both let a request through. Here each hit is one
atomic script on Redis."""

from server.kernel.rate_limit.leases import ConnectionLeases, MemoryConnectionLeases
from server.kernel.rate_limit.leases_redis import RedisConnectionLeases
from server.kernel.rate_limit.limiter import MemoryRateLimiter, RateLimiter, retry_after_s
from server.kernel.rate_limit.limiter_redis import RedisRateLimiter
from server.kernel.rate_limit.policy import STATE_KEY, Limits, RateLimits, address_key, rate_limits_of
from server.kernel.rate_limit.rates import Rate, parse_rate

__all__ = [
    "STATE_KEY",
    "ConnectionLeases",
    "Limits",
    "MemoryConnectionLeases",
    "MemoryRateLimiter",
    "Rate",
    "RateLimiter",
    "RateLimits",
    "RedisConnectionLeases",
    "RedisRateLimiter",
    "address_key",
    "parse_rate",
    "rate_limits_of",
    "retry_after_s",
]
