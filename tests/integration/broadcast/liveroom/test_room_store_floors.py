"""Raising the room's counters to a floor, on both store adapters: atomic "at least", so two
workers reloading after a Redis outage cannot add the same units twice, and never lowering."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from broadcast.liveroom.store_memory import MemoryRoomStore
from broadcast.liveroom.store_redis import RedisRoomStore


class Published:
    async def wait_published(self, data: str, channel: str) -> None:
        pass


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    if request.param == "memory":
        yield MemoryRoomStore(Published(), "ns")  # type: ignore[arg-type]
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        yield RedisRoomStore(redis, request.getfixturevalue("redis_namespace"))
    finally:
        await redis.aclose()


async def test_missing_counters_are_raised_to_the_floor_and_never_lowered(store):
    # given a room whose counters Redis lost (nothing stored yet)
    await store.raise_counters("ses_a", 40, {"sku_1": 5, "sku_2": 1})
    assert (await store.counters("ses_a")).likes == 40
    assert (await store.counters("ses_a")).carts == {"sku_1": 5, "sku_2": 1}
    # when a second worker raises to lower floors, and then counting goes on
    await store.raise_counters("ses_a", 10, {"sku_1": 2, "sku_2": 3})
    await store.raise_counters("ses_a", 10, {"sku_1": 2, "sku_2": 3})  # a repeat changes nothing
    await store.cart("ses_a", "sku_1", 1, None)
    await store.like("ses_a", {"": 2})
    # then each counter is the highest floor plus what came after
    counters = await store.counters("ses_a")
    assert counters.likes == 42
    assert counters.carts == {"sku_1": 6, "sku_2": 3}
    assert (await store.counters("ses_b")).likes == 0
