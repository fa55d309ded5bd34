"""One suite for every leaderboard adapter (memory, real Redis): the same behaviour from both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from distribution.competitions.board import LeaderboardStore, MemoryLeaderboard, RedisLeaderboard


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[LeaderboardStore]:
    if request.param == "memory":
        yield MemoryLeaderboard()
        return
    url, namespace = request.getfixturevalue("redis_url"), request.getfixturevalue("redis_namespace")
    client = aioredis.from_url(url, decode_responses=False)
    yield RedisLeaderboard(client, namespace)
    keys = [k async for k in client.scan_iter(match=f"{namespace}:*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


async def test_a_missing_board_reads_as_none_and_ignores_increments(store):
    assert await store.scores("pk_1") is None
    await store.incr("pk_1", "ptn_a", 500)  # never a board of one order that looks complete
    assert await store.scores("pk_1") is None


async def test_replace_then_increment_and_decrement(store):
    await store.replace("pk_1", {"ptn_a": 0, "ptn_b": 700})
    await store.incr("pk_1", "ptn_a", 1000)
    await store.incr("pk_1", "ptn_b", -200)
    await store.incr("pk_1", "ptn_c", 1)
    assert await store.scores("pk_1") == {"ptn_a": 1000, "ptn_b": 500, "ptn_c": 1}
    assert await store.scores("pk_2") is None  # boards are per competition


async def test_replace_overwrites_and_drop_forgets(store):
    await store.replace("pk_1", {"ptn_a": 5, "ptn_b": 6})
    await store.replace("pk_1", {"ptn_b": 1, "ptn_c": 0})
    assert await store.scores("pk_1") == {"ptn_b": 1, "ptn_c": 0}
    await store.drop("pk_1")
    assert await store.scores("pk_1") is None
