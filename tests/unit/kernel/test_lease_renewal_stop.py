"""The Redis lease renewer ends when the app stops even if Redis's client swallows the cancel (as
redis-py's asyncio client can, redis/redis-py#2551): the cause of the lease-renewal test hang."""

from __future__ import annotations

import asyncio
from typing import Any

from server.kernel.rate_limit import RedisConnectionLeases
from tests.waiting import eventually


class SwallowingPipeline:
    """A pipeline whose execute blocks, and on a cancel returns as if nothing happened."""

    def __init__(self, redis: SwallowingRedis) -> None:
        self.redis = redis

    async def __aenter__(self) -> SwallowingPipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def zadd(self, *args: Any, **kwargs: Any) -> None: ...
    def pexpireat(self, *args: Any) -> None: ...

    async def execute(self) -> list[Any]:
        self.redis.renewals += 1
        try:
            await asyncio.Event().wait()  # a Redis call that never answers
        except asyncio.CancelledError:
            self.redis.swallowed += 1
        return []


class SwallowingRedis:
    def __init__(self) -> None:
        self.renewals = self.swallowed = 0

    def register_script(self, lua: str) -> Any:
        async def acquire(keys: list[str], args: list[Any]) -> int:
            return 1

        return acquire

    def pipeline(self, transaction: bool = False) -> SwallowingPipeline:
        return SwallowingPipeline(self)


async def test_closing_ends_the_renewal_loop_although_the_client_swallowed_the_cancel():
    # given a lease being renewed, its renewal stuck in a Redis call that will swallow a cancel
    redis = SwallowingRedis()
    leases = RedisConnectionLeases(redis, "t", ttl_s=0.03)
    assert await leases.acquire("1.2.3.4", 1)
    await eventually(lambda: redis.renewals >= 1, 5, "a renewal under way", 0.005)
    # when the app stops
    await leases.close()
    # then the loop has ended (it used to go on renewing, and the event loop's close waited on it)
    assert leases._renewer is not None
    await eventually(leases._renewer.done, 5, "the renewal loop ended", 0.005)
    assert redis.swallowed == 1
