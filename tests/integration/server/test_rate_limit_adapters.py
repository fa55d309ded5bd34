"""One suite for the limiter and connection-lease ports, run on the memory adapter and on Redis."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import redis.asyncio as aioredis

from server.kernel.rate_limit import (
    ConnectionLeases,
    MemoryConnectionLeases,
    MemoryRateLimiter,
    Rate,
    RateLimiter,
    RedisConnectionLeases,
    RedisRateLimiter,
)
from tests.waiting import eventually

NOW = 1_800_000_000.25
FIVE_A_MINUTE = Rate(5, 60)


@pytest.fixture
async def redis_client(redis_url: str) -> AsyncIterator[Any]:
    # a socket timeout: a Redis call that never answers fails the test instead of hanging it
    client = aioredis.from_url(redis_url, socket_timeout=5)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def limiter(request: pytest.FixtureRequest) -> AsyncIterator[RateLimiter]:
    if request.param == "memory":
        yield MemoryRateLimiter()
        return
    client = aioredis.from_url(request.getfixturevalue("redis_url"), socket_timeout=5)
    yield RedisRateLimiter(client, request.getfixturevalue("redis_namespace"))
    await client.aclose()


@pytest.fixture(params=["memory", "redis"])
async def leases(request: pytest.FixtureRequest) -> AsyncIterator[ConnectionLeases]:
    if request.param == "memory":
        yield MemoryConnectionLeases()
        return
    client = aioredis.from_url(request.getfixturevalue("redis_url"), socket_timeout=5)
    leases = RedisConnectionLeases(client, request.getfixturevalue("redis_namespace"), ttl_s=0.6)
    yield leases
    await leases.close()  # no renewal loop left for the event loop's close to wait on
    await client.aclose()


async def test_a_burst_of_the_rate_passes_then_one_more_waits_for_its_interval(limiter):
    waits = [await limiter.hit("k", FIVE_A_MINUTE, NOW) for _ in range(6)]
    assert waits[:5] == [0, 0, 0, 0, 0]
    assert waits[5] == pytest.approx(12, abs=0.01)  # one every 60/5 s


async def test_the_bucket_refills_with_time(limiter):
    for _ in range(5):
        await limiter.hit("k", FIVE_A_MINUTE, NOW)
    assert await limiter.hit("k", FIVE_A_MINUTE, NOW + 11) == pytest.approx(1, abs=0.01)
    assert await limiter.hit("k", FIVE_A_MINUTE, NOW + 12) == 0  # one interval later, one more
    assert await limiter.hit("k", FIVE_A_MINUTE, NOW + 12) > 0
    assert [await limiter.hit("k", FIVE_A_MINUTE, NOW + 200) for _ in range(5)] == [0] * 5  # full again


async def test_refused_hits_do_not_push_the_wait_further(limiter):
    for _ in range(5):
        await limiter.hit("k", FIVE_A_MINUTE, NOW)
    for _ in range(20):
        await limiter.hit("k", FIVE_A_MINUTE, NOW + 1)
    assert await limiter.hit("k", FIVE_A_MINUTE, NOW + 12) == 0


async def test_keys_are_independent_and_zero_means_no_limit(limiter):
    for _ in range(5):
        await limiter.hit("a", FIVE_A_MINUTE, NOW)
    assert await limiter.hit("a", FIVE_A_MINUTE, NOW) > 0
    assert await limiter.hit("b", FIVE_A_MINUTE, NOW) == 0
    assert all([await limiter.hit("c", Rate(0, 60), NOW) == 0 for _ in range(100)])


async def test_leases_stop_at_the_cap_and_come_back_on_release(leases):
    held = [await leases.acquire("1.2.3.4", 3) for _ in range(3)]
    assert all(held)
    assert await leases.acquire("1.2.3.4", 3) is None
    assert await leases.acquire("5.6.7.8", 3) is not None  # another address is not affected
    await leases.release("1.2.3.4", held[0])  # type: ignore[arg-type]
    assert await leases.acquire("1.2.3.4", 3) is not None
    for lease in held[1:]:
        await leases.release("1.2.3.4", lease)  # type: ignore[arg-type]


async def test_redis_leases_of_a_worker_that_stopped_renewing_lapse(redis_client, redis_namespace):
    # given a worker that took the address's whole cap, then died (its renewal loop gone)
    dead = RedisConnectionLeases(redis_client, redis_namespace, ttl_s=0.3)
    assert await dead.acquire("1.2.3.4", 2) and await dead.acquire("1.2.3.4", 2)
    dead.held.clear()  # what a crash leaves: leases in Redis, nobody renewing them
    alive = RedisConnectionLeases(redis_client, redis_namespace, ttl_s=0.3)
    assert await alive.acquire("1.2.3.4", 2) is None
    # then within the lease time the address may connect again
    await eventually(lambda: alive.acquire("1.2.3.4", 2), 10, "the dead worker's leases lapsed", 0.02)
    await alive.close()
    await dead.close()


@pytest.mark.timeout(60)
async def test_redis_leases_held_by_a_live_worker_are_renewed(redis_client, redis_namespace):
    # lease time 1.5 s, renewed every 0.5 s: a busy machine may be late by a second and still pass
    worker = RedisConnectionLeases(redis_client, redis_namespace, ttl_s=1.5)
    lease = await worker.acquire("1.2.3.4", 1)
    assert lease
    first_lapse = await redis_client.zscore(worker.held[lease], lease)  # the lease's end as first taken
    other = RedisConnectionLeases(redis_client, redis_namespace, ttl_s=1.5)

    async def held_past_twice_the_lease_time() -> bool:  # Redis expires by its own wall clock: poll it
        assert await other.acquire("1.2.3.4", 1) is None  # at no point free, because the worker renews it
        return time.time() > first_lapse + worker.ttl_s

    await eventually(held_past_twice_the_lease_time, 30, "the lease held past twice its lease time", 0.1)
    await worker.close()  # the app stopping: no renewal left running (cancelled, and not waited on past 2 s)
    # the loop has ended, not merely been asked to (a swallowed cancel used to leave it renewing)
    assert worker._renewer is not None
    await eventually(worker._renewer.done, 5, "the renewal loop ended")
