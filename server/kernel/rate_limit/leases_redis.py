"""Connection leases on Redis: one sorted set per key, a lease's score is when it lapses.

Leases are renewed by one loop per worker (a pipelined batch every `ttl_s / 3`), not by the
socket, so an open socket costs nothing between renewals; a worker that dies stops renewing and
its leases lapse within `ttl_s`, so a crash cannot lock an address out for longer.

The loop stops on a flag as well as on a cancel: redis-py's asyncio client can swallow a
CancelledError that lands inside its own timeout block (redis/redis-py#2551), and a renewer relying
on the cancel alone then renewed forever — holding the event loop's close (the test run's
lease-renewal hang) and, in production, a worker's shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from typing import Any

import structlog

log = structlog.get_logger("leases")
DEFAULT_TTL_S = 90.0
ACQUIRE_LUA = """
local now, cap, lapse = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= cap then return 0 end
redis.call('ZADD', KEYS[1], lapse, ARGV[4])
redis.call('PEXPIREAT', KEYS[1], math.ceil(lapse * 1000))
return 1
"""


CLOSE_WAIT_S = 2.0


class RedisConnectionLeases:
    def __init__(self, redis: Any, namespace: str, ttl_s: float = DEFAULT_TTL_S) -> None:
        self.redis, self.namespace, self.ttl_s = redis, namespace, ttl_s
        self._acquire = redis.register_script(ACQUIRE_LUA)
        self.held: dict[str, str] = {}  # lease -> its Redis key, for the renewal loop
        self._renewer: asyncio.Task[None] | None = None
        self.stopping = False

    def _key(self, key: str) -> str:
        return f"{self.namespace}:leases:{key}"

    async def acquire(self, key: str, cap: int) -> str | None:
        lease, now = uuid.uuid4().hex, time.time()
        args = [repr(now), cap, repr(now + self.ttl_s), lease]
        if not await self._acquire(keys=[self._key(key)], args=args):
            return None
        self.held[lease] = self._key(key)
        self._ensure_renewer()
        return lease

    async def release(self, key: str, lease: str) -> None:
        self.held.pop(lease, None)
        await self.redis.zrem(self._key(key), lease)

    def _ensure_renewer(self) -> None:
        loop = asyncio.get_running_loop()
        if self._renewer is None or self._renewer.done() or self._renewer.get_loop() is not loop:
            self._renewer = loop.create_task(self._renew_while_held())

    async def _renew_while_held(self) -> None:
        while self.held and not self.stopping:
            await asyncio.sleep(self.ttl_s / 3)
            if self.stopping:
                return
            # Redis away or not answering: the next round tries again (bounded: a renewal that
            # hangs past the lease time is useless anyway)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.renew(), self.ttl_s)

    async def close(self) -> None:
        """Stop renewing (the app is stopping: its sockets are gone, their leases lapse)."""
        self.stopping = True
        if self._renewer is not None and not self._renewer.done():
            self._renewer.cancel()
            # RuntimeError: another loop's task; TimeoutError: a Redis call that ignores the cancel
            # must not hold the app's shutdown (its leases lapse by themselves anyway)
            with contextlib.suppress(asyncio.CancelledError, RuntimeError, TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._renewer), CLOSE_WAIT_S)

    async def renew(self) -> None:
        lapse = time.time() + self.ttl_s
        async with self.redis.pipeline(transaction=False) as pipe:
            for lease, key in list(self.held.items()):
                pipe.zadd(key, {lease: lapse}, xx=True)
                pipe.pexpireat(key, int(lapse * 1000) + 1)
            await pipe.execute()
