"""One suite over both click buffers (in-process and Redis): what the redirect and the flusher rely on."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from distribution.clicks.buffer import BOT, COUNTED, DUPLICATE, ClickRecord, MemoryClickBuffer, RedisClickBuffer


def click(n: int, visitor: str = "v", link: str = "lnk_a") -> ClickRecord:
    return ClickRecord(id=f"clk_{n}", link_id=link, partner_id="ptn_a", brand_id="brd_a", session_id=None,
                       visitor_id=visitor, user_agent="Mozilla", clicked_at=1_800_000_000.0 + n)


@pytest.fixture(params=["memory", "redis"])
async def make_buffer(request):
    clients = []
    namespaces = []

    def build(ip_per_minute: int = 0):
        if request.param == "memory":
            return MemoryClickBuffer(dedupe_seconds=3600, ip_per_minute=ip_per_minute)
        namespace = request.getfixturevalue("redis_namespace")
        namespaces.append(namespace)
        client = aioredis.from_url(request.getfixturevalue("redis_url"))
        clients.append(client)
        return RedisClickBuffer(client, namespace, dedupe_seconds=3600, ip_per_minute=ip_per_minute)

    yield build
    for client, namespace in zip(clients, namespaces):
        keys = [k async for k in client.scan_iter(match=f"{namespace}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_duplicates_name_the_first_click_and_are_not_queued(make_buffer):
    buffer = make_buffer()
    assert await buffer.record(click(1), "1.1.1.1", False) == (COUNTED, "clk_1")
    assert await buffer.record(click(2), "1.1.1.1", False) == (DUPLICATE, "clk_1")
    assert await buffer.record(click(3, link="lnk_b"), "1.1.1.1", False) == (COUNTED, "clk_3")
    assert await buffer.record(click(4, visitor="w"), "1.1.1.1", False) == (COUNTED, "clk_4")
    assert [c.id for c in await buffer.take(10)] == ["clk_1", "clk_3", "clk_4"]


async def test_bots_by_agent_and_by_rate_are_queued_marked(make_buffer):
    buffer = make_buffer(ip_per_minute=2)
    assert (await buffer.record(click(1, visitor="a"), "9.9.9.9", True))[0] == BOT
    assert (await buffer.record(click(2, visitor="b"), "9.9.9.9", False))[0] == COUNTED
    assert (await buffer.record(click(3, visitor="c"), "9.9.9.9", False))[0] == COUNTED
    assert (await buffer.record(click(4, visitor="d"), "9.9.9.9", False))[0] == BOT  # third browser-like click
    assert (await buffer.record(click(5, visitor="e"), "8.8.8.8", False))[0] == COUNTED
    assert [(c.id, c.is_bot) for c in await buffer.take(10)] == [
        ("clk_1", True), ("clk_2", False), ("clk_3", False), ("clk_4", True), ("clk_5", False)]


async def test_take_then_commit_removes_exactly_the_batch(make_buffer):
    buffer = make_buffer()
    for n in range(5):
        await buffer.record(click(n, visitor=f"v{n}"), "1.1.1.1", False)
    batch = await buffer.take(3)
    await buffer.record(click(9, visitor="late"), "1.1.1.1", False)
    await buffer.commit(len(batch))
    await buffer.release()
    assert [c.id for c in await buffer.take(10)] == ["clk_3", "clk_4", "clk_9"]
    assert await buffer.pending() == 3


async def test_only_one_redis_flusher_holds_the_queue(redis_url, redis_namespace):
    client = aioredis.from_url(redis_url)
    first = RedisClickBuffer(client, redis_namespace, 3600, 0)
    second = RedisClickBuffer(client, redis_namespace, 3600, 0)
    await first.record(click(1), "1.1.1.1", False)
    assert [c.id for c in await first.take(10)] == ["clk_1"]
    assert await second.take(10) is None  # waits: trimming under someone else's lock could drop clicks
    await second.commit(1)  # not the holder: a no-op
    assert await first.pending() == 1
    await first.commit(1)
    await first.release()
    assert await second.take(10) == []
    await second.release()
    await client.delete(first.queue_key, first.lock_key, f"{redis_namespace}:dist:seen:lnk_a:v")
    await client.aclose()
