"""The click buffer shared by every worker: a Redis stream, written before the 302 is answered.

Why nothing is lost across a worker's `kill -9`:
- A redirect answers 302 only after its click's `XADD` returned; from then on the click lives in
  Redis, not in the worker. Clicks arriving in the same event-loop turn share one pipelined round
  trip, so the price per click is a fraction of one.
- One flusher at a time drains the stream: whichever worker holds the lease (`FlusherLease`, a key
  with an owner and an expiry, renewed on every flush). A flusher reads through a consumer group:
  what it reads stays *pending* under its name until it `XACK`s the batch after the database
  commit. If it dies between the two, its lease runs out, another worker takes the lease and
  `XAUTOCLAIM`s the entries that have been idle longer than a lease, and writes them again; the
  insert is idempotent by click id and the classification by click id, so a replay changes
  nothing.
- If Redis refuses the `XADD`, the click goes to this worker's memory buffer instead (the visitor
  still gets their 302) and the flusher drains that too: during a Redis outage a worker's crash can
  lose what it holds in memory, exactly as in the one-process mode.

Keys live under `<namespace>:dist:`: a standalone Redis (or one Sentinel-managed primary)."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from distribution.clicks.buffer import ClickRecord, MemoryClickBuffer

log = logging.getLogger(__name__)
GROUP = b"flushers"
FIELD = b"c"
HOLD_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
"""
LET_GO_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def encode(click: ClickRecord) -> bytes:
    return json.dumps(
        [
            click.id,
            click.link_id,
            click.partner_id,
            click.brand_id,
            click.session_id,
            click.visitor_id,
            click.user_agent,
            click.ip,
            click.clicked_at,
        ],
        separators=(",", ":"),
    ).encode()


def decode(raw: bytes) -> ClickRecord:
    return ClickRecord(*json.loads(raw.decode()))  # str, not bytes: skips json's encoding sniffing


class FlusherLease:
    """Who may flush the stream now: a key holding the owner's name, renewed by each flush. A dead
    holder stops renewing and the key expires after `ttl_ms`."""

    def __init__(self, redis: Any, namespace: str, owner: str, ttl_ms: int) -> None:
        self.redis, self.key, self.owner, self.ttl_ms = redis, f"{namespace}:dist:clicks:flusher", owner, ttl_ms
        self.hold_script = redis.register_script(HOLD_LUA)
        self.let_go_script = redis.register_script(LET_GO_LUA)

    async def hold(self) -> bool:
        """Take the lease if free, renew it if ours; False while another worker holds it."""
        return bool(await self.hold_script(keys=[self.key], args=[self.owner, self.ttl_ms]))

    async def let_go(self) -> None:
        await self.let_go_script(keys=[self.key], args=[self.owner])


class RedisClickBuffer:
    """Clicks in a Redis stream; `claim` serves, in order, this consumer's own unacknowledged
    entries (a batch it released), entries a dead consumer left idle for longer than `reclaim_ms`,
    and then new ones. `held` keeps two flushes of this process from claiming the same entries."""

    def __init__(self, redis: Any, namespace: str, consumer: str, reclaim_ms: int) -> None:
        self.redis, self.key, self.consumer, self.reclaim_ms = redis, f"{namespace}:dist:clicks", consumer, reclaim_ms
        self.fallback = MemoryClickBuffer()
        self.held: dict[str, bytes] = {}  # click id -> stream entry id, for claimed batches
        self.waiting: list[tuple[ClickRecord, asyncio.Future[None]]] = []
        self.group_ready = False

    async def add(self, click: ClickRecord) -> None:
        done = asyncio.get_running_loop().create_future()
        self.waiting.append((click, done))
        if len(self.waiting) == 1:  # the first click of this loop turn sends the turn's clicks
            asyncio.get_running_loop().call_soon(self._send_waiting)
        await done

    def _send_waiting(self) -> None:
        batch, self.waiting = self.waiting, []
        task = asyncio.ensure_future(self._append(batch))
        task.add_done_callback(lambda _: None)  # errors are settled inside _append

    async def _append(self, batch: list[tuple[ClickRecord, asyncio.Future[None]]]) -> None:
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                for click, _ in batch:
                    pipe.xadd(self.key, {FIELD: encode(click)})
                await pipe.execute()
        except Exception:
            log.exception("click stream unreachable: %s clicks kept in this worker's memory", len(batch))
            for click, _ in batch:
                await self.fallback.add(click)
        for _, done in batch:
            if not done.done():
                done.set_result(None)

    async def claim(self, limit: int) -> list[ClickRecord]:
        batch = await self.fallback.claim(limit)
        if batch:
            return batch
        await self._ensure_group()
        for read in (self._own_pending, self._reclaim, self._new):
            batch = self._hold(await read(limit))
            if batch:
                return batch
        return []

    async def _ensure_group(self) -> None:
        if self.group_ready:
            return
        try:
            await self.redis.xgroup_create(self.key, GROUP, id="0", mkstream=True)
        except Exception as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self.group_ready = True

    async def _own_pending(self, limit: int) -> list[Any]:
        reply = await self.redis.xreadgroup(GROUP, self.consumer, {self.key: "0"}, count=limit)
        return reply[0][1] if reply else []

    async def _reclaim(self, limit: int) -> list[Any]:
        reply = await self.redis.xautoclaim(self.key, GROUP, self.consumer, self.reclaim_ms, "0-0", count=limit)
        return list(reply[1])

    async def _new(self, limit: int) -> list[Any]:
        reply = await self.redis.xreadgroup(GROUP, self.consumer, {self.key: ">"}, count=limit)
        return reply[0][1] if reply else []

    def _hold(self, entries: list[Any]) -> list[ClickRecord]:
        """The entries no other flush of this process holds, now held by this one."""
        batch = []
        for entry_id, fields in entries:
            if not fields:  # deleted after it was read: already written
                continue
            click = decode(fields[FIELD])
            if click.id not in self.held:
                self.held[click.id] = entry_id
                batch.append(click)
        return batch

    async def ack(self, batch: list[ClickRecord]) -> None:
        entry_ids, in_memory = [], []
        for click in batch:
            entry_id = self.held.pop(click.id, None)
            in_memory.append(click) if entry_id is None else entry_ids.append(entry_id)
        await self.fallback.ack(in_memory)
        if entry_ids:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.xack(self.key, GROUP, *entry_ids)
                pipe.xdel(self.key, *entry_ids)
                await pipe.execute()

    async def release(self, batch: list[ClickRecord]) -> None:
        """Stream entries stay pending under this consumer: the next claim serves them first."""
        in_memory = [c for c in batch if self.held.pop(c.id, None) is None]
        if in_memory:
            await self.fallback.release(in_memory)

    async def pending(self) -> int:
        return await self.fallback.pending() + int(await self.redis.xlen(self.key))
