"""One suite over both click classifiers and both click buffers (in-process and Redis):
duplicates, bots by agent and by rate, replays of the same batch (after a failed insert) that must
not turn clicks into duplicates; buffers that give a failed batch back in order and never hand the
same click to two flushes."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis

from distribution.clicks.buffer import (
    BOT,
    COUNTED,
    DUPLICATE,
    ClickRecord,
    MemoryClassifier,
    MemoryClickBuffer,
    RedisClassifier,
)
from distribution.clicks.flusher import ClickFlusher
from distribution.clicks.stream import RedisClickBuffer
from tests.waiting import eventually

MOZILLA = "Mozilla/5.0 (iPhone) MicroMessenger"


def click(n: int, visitor: str = "visitor-1", link: str = "lnk_a", ip: str = "1.1.1.1", agent: str = MOZILLA):
    return ClickRecord(
        id=f"clk_{n}",
        link_id=link,
        partner_id="ptn_a",
        brand_id="brd_a",
        session_id=None,
        visitor_id=visitor,
        user_agent=agent,
        ip=ip,
        clicked_at=1_800_000_000.0 + n,
    )


@pytest.fixture(params=["memory", "redis"])
async def classifier(request):
    clients = []

    def build(ip_per_minute: int = 0):
        if request.param == "memory":
            return MemoryClassifier(dedupe_seconds=3600, ip_per_minute=ip_per_minute)
        namespace = request.getfixturevalue("redis_namespace")
        client = aioredis.from_url(request.getfixturevalue("redis_url"))
        clients.append((client, namespace))
        return RedisClassifier(client, namespace, dedupe_seconds=3600, ip_per_minute=ip_per_minute)

    yield build
    for client, namespace in clients:
        keys = [k async for k in client.scan_iter(match=f"{namespace}:*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def test_same_visitor_same_link_is_a_duplicate_across_batches(classifier):
    c = classifier()
    assert await c.classify([click(1), click(2)]) == [COUNTED, DUPLICATE]
    assert await c.classify([click(3), click(4, link="lnk_b"), click(5, visitor="visitor-2")]) == [
        DUPLICATE,
        COUNTED,
        COUNTED,
    ]


async def test_a_replayed_batch_stays_counted(classifier):
    c = classifier()
    batch = [click(1), click(2, visitor="visitor-2")]
    assert await c.classify(batch) == [COUNTED, COUNTED]
    assert await c.classify(batch) == [COUNTED, COUNTED]


async def test_bots_by_agent_and_by_rate(classifier):
    c = classifier(ip_per_minute=2)
    codes = await c.classify(
        [
            click(1, visitor="a", agent="Googlebot/2.1"),
            click(2, visitor="b"),
            click(3, visitor="c"),
            click(4, visitor="d"),
            click(5, visitor="e", ip="8.8.8.8"),
            click(6, visitor="f", agent=""),
        ]
    )
    assert codes == [BOT, COUNTED, COUNTED, BOT, COUNTED, BOT]


@pytest.fixture(params=["memory", "redis"])
async def buffer(request):
    if request.param == "memory":
        yield MemoryClickBuffer()
        return
    namespace = request.getfixturevalue("redis_namespace")
    client = aioredis.from_url(request.getfixturevalue("redis_url"))
    buffer = RedisClickBuffer(client, namespace, consumer="worker-1", reclaim_ms=60_000)
    yield buffer
    await client.delete(buffer.key)
    await client.aclose()


async def test_buffer_gives_a_failed_batch_back_in_order(buffer):
    for n in range(5):
        await buffer.add(click(n))
    batch = await buffer.claim(3)
    await buffer.add(click(9))
    rest = await buffer.claim(10)
    assert [c.id for c in rest] == ["clk_3", "clk_4", "clk_9"]
    await buffer.ack(rest)
    await buffer.release(batch)  # the write failed: these go first next time
    assert await buffer.pending() == 3
    again = await buffer.claim(10)
    assert again == batch
    await buffer.ack(again)
    assert await buffer.pending() == 0 and await buffer.claim(10) == []


async def test_buffer_keeps_every_field_of_a_click(buffer):
    original = ClickRecord("clk_x", "lnk", "ptn", "brd", None, "v" * 64, None, "2001:db8::1", 1_800_000_000.25)
    await buffer.add(original)
    assert await buffer.claim(1) == [original]


async def test_buffer_never_hands_one_click_to_two_flushes(buffer):
    await asyncio.gather(*(buffer.add(click(n, visitor=f"v{n}")) for n in range(6)))
    first, second = await buffer.claim(4), await buffer.claim(4)
    assert sorted(c.id for c in first + second) == [f"clk_{n}" for n in range(6)]


async def test_concurrent_flushes_write_each_click_once_and_classify_it_once(buffer):
    """The background loop and a drain flushing at the same moment: each batch is taken once, so no
    click is classified twice (a rate limit would count it twice) or dropped before it is written."""

    class SlowClassifier(MemoryClassifier):
        seen: list[str] = []

        async def classify(self, batch):
            self.seen.extend(c.id for c in batch)
            await asyncio.sleep(0.01)  # the other flush gets the loop while this batch is in flight
            return await super().classify(batch)

    written = []
    for n in range(5):
        await buffer.add(click(n, visitor=f"v{n}"))
    flusher = ClickFlusher(buffer, SlowClassifier(3600, 0), None, 1.0)  # type: ignore[arg-type]

    async def insert(rows):
        written.extend(row[0] for row in rows)

    flusher._insert = insert  # type: ignore[method-assign]  # the database is not what this test is about
    await asyncio.gather(flusher.flush_once(), flusher.flush_once(), flusher.drain())
    assert sorted(written) == [f"clk_{n}" for n in range(5)] and await buffer.pending() == 0
    assert sorted(SlowClassifier.seen) == sorted(written)


async def test_a_batch_that_cannot_be_written_stays_buffered_in_order(buffer):
    for n in range(3):
        await buffer.add(click(n, visitor=f"v{n}"))
    flusher = ClickFlusher(buffer, MemoryClassifier(3600, 0), None, 1.0)  # type: ignore[arg-type]

    async def database_down(rows):
        raise ConnectionError("database away")

    flusher._insert = database_down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await flusher.flush_once()
    assert [c.id for c in await buffer.claim(10)] == ["clk_0", "clk_1", "clk_2"] and flusher.written == 0


async def test_a_dead_flushers_claimed_batch_is_claimed_again_by_another_worker(redis_url, redis_namespace):
    """Worker 1 claimed a batch and died before acknowledging it: once the batch has been idle for
    the re-claim time, worker 2 gets it (and nothing twice)."""
    client = aioredis.from_url(redis_url)
    dead = RedisClickBuffer(client, redis_namespace, consumer="worker-1", reclaim_ms=50)
    alive = RedisClickBuffer(client, redis_namespace, consumer="worker-2", reclaim_ms=50)
    try:
        for n in range(3):
            await dead.add(click(n, visitor=f"v{n}"))
        orphaned = await dead.claim(10)
        await alive.add(click(7, visitor="v7"))
        got: list[ClickRecord] = []

        async def claimed_all() -> bool:  # the orphans come back once their re-claim time has passed
            batch = await alive.claim(10)
            got.extend(batch)
            await alive.ack(batch)
            return len(got) >= 4

        await eventually(claimed_all, 30, "the orphaned clicks re-claimed", 0.01)
        assert sorted(c.id for c in got) == sorted([c.id for c in orphaned] + ["clk_7"])
        assert await alive.pending() == 0
    finally:
        await client.delete(alive.key)
        await client.aclose()


async def test_clicks_go_to_memory_when_the_stream_is_unreachable():
    """Redis refusing the write must not refuse the visitor: the click waits in this worker."""
    client = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    buffer = RedisClickBuffer(client, "zxdown", consumer="worker-1", reclaim_ms=1000)
    try:
        await buffer.add(click(1))
        assert [c.id for c in await buffer.claim(10)] == ["clk_1"]
    finally:
        await client.aclose()
