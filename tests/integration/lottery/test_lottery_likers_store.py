"""The room store remembers who liked (visitor -> last like, epoch ms), on both adapters, so a
like draw can check a visitor liked after it opened."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from broadcast.liveroom.store import TTL_S
from broadcast.liveroom.store_memory import MemoryRoomStore
from broadcast.liveroom.store_redis import RedisRoomStore


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[object]:
    if request.param == "memory":
        yield MemoryRoomStore(None, "ns")  # type: ignore[arg-type] - likers never publish
        return
    redis = Redis.from_url(request.getfixturevalue("redis_url"))
    try:
        yield RedisRoomStore(redis, request.getfixturevalue("redis_namespace"))
    finally:
        await redis.aclose()


async def test_likers_are_recorded_per_session_with_their_last_like(store):
    assert await store.liked_at("ses_a", "v1") is None
    await store.record_likers("ses_a", {"v1": 1_000, "v2": 2_000})
    await store.record_likers("ses_a", {"v1": 3_000})  # a later like moves the time on
    assert await store.liked_at("ses_a", "v1") == 3_000
    assert await store.liked_at("ses_a", "v2") == 2_000
    assert await store.liked_at("ses_b", "v1") is None  # another session's room knows nothing of it


async def test_redis_likers_expire_with_the_room(redis_url, redis_namespace):
    redis = Redis.from_url(redis_url)
    try:
        store = RedisRoomStore(redis, redis_namespace)
        await store.record_likers("ses_a", {"v1": 1})
        assert 0 < await redis.ttl(store.key("ses_a", "likers")) <= TTL_S
    finally:
        await redis.aclose()
