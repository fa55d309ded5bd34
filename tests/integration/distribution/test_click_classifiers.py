"""One suite over both click classifiers (in-process and Redis): duplicates, bots by agent and by
rate, and replays of the same batch (after a failed insert) that must not turn clicks into duplicates."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from distribution.clicks.buffer import (
    BOT,
    COUNTED,
    DUPLICATE,
    ClickQueue,
    ClickRecord,
    MemoryClassifier,
    RedisClassifier,
)

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


def test_queue_gives_a_failed_batch_back_in_order():
    queue = ClickQueue()
    for n in range(5):
        queue.append(click(n))
    batch = queue.take(3)
    queue.append(click(9))
    assert [c.id for c in queue.take(10)] == ["clk_3", "clk_4", "clk_9"]
    queue.give_back(batch)  # the write failed: these go first next time
    assert [c.id for c in queue.take(10)] == ["clk_0", "clk_1", "clk_2"]


async def test_concurrent_flushes_write_each_click_once_and_classify_it_once():
    """The background loop and a drain flushing at the same moment: each batch is taken once, so no
    click is classified twice (a rate limit would count it twice) or dropped before it is written."""
    import asyncio

    from distribution.clicks.flusher import ClickFlusher

    class SlowClassifier(MemoryClassifier):
        seen: list[str] = []

        async def classify(self, batch):
            self.seen.extend(c.id for c in batch)
            await asyncio.sleep(0.01)  # the other flush gets the loop while this batch is in flight
            return await super().classify(batch)

    queue, written = ClickQueue(), []
    for n in range(5):
        queue.append(click(n, visitor=f"v{n}"))
    flusher = ClickFlusher(queue, SlowClassifier(3600, 0), None, 1.0)  # type: ignore[arg-type]

    async def insert(rows):
        written.extend(row[0] for row in rows)

    flusher._insert = insert  # type: ignore[method-assign]  # the database is not what this test is about
    await asyncio.gather(flusher.flush_once(), flusher.flush_once(), flusher.drain())
    assert sorted(written) == [f"clk_{n}" for n in range(5)] and len(queue) == 0
    assert sorted(SlowClassifier.seen) == sorted(written)


async def test_a_batch_that_cannot_be_written_stays_queued_in_order():
    from distribution.clicks.flusher import ClickFlusher

    queue = ClickQueue()
    for n in range(3):
        queue.append(click(n, visitor=f"v{n}"))
    flusher = ClickFlusher(queue, MemoryClassifier(3600, 0), None, 1.0)  # type: ignore[arg-type]

    async def database_down(rows):
        raise ConnectionError("database away")

    flusher._insert = database_down  # type: ignore[method-assign]
    with pytest.raises(ConnectionError):
        await flusher.flush_once()
    assert [c.id for c in queue.take(10)] == ["clk_0", "clk_1", "clk_2"] and flusher.written == 0
