"""Clicks between the redirect and the database.

The redirect hands each click to a `ClickBuffer` before it answers; one flusher takes a batch,
classifies it — bot (user agent, or more than N clicks a minute from one IP), duplicate (same
visitor, same link within the de-duplication window) or counted — in one batched round trip to
Redis (shared by every worker) or in memory (one worker), writes it, and only then acknowledges
it. Every visit is stored; bots and duplicates carry a flag and are never counted, so the
cookie's click id always names a stored row.

Two buffers: `MemoryClickBuffer` (one process, no Redis: a clean shutdown flushes it, a crash
loses what it held) and `RedisClickBuffer` in `stream.py` (a Redis stream written before the 302:
a worker's `kill -9` loses nothing)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from distribution.clicks.bots import is_bot_agent

COUNTED, DUPLICATE, BOT = 0, 1, 2
# One call per batch. For each click: a bot by user agent (empty ip key), or by rate (more than
# `limit` clicks this minute from its IP), or a duplicate (another click id holds the visitor's
# first-click key for this link), or counted. Idempotent for a replayed batch: a click finds its
# own id in the key. Keys are derived from the namespace in ARGV: a standalone Redis (or one
# Sentinel-managed primary), not Redis Cluster.
CLASSIFY_LUA = """
local ns, ttl, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local out = {}
for i = 4, #ARGV, 4 do
  local id, link, visitor, ipkey = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local code = 0
  if ipkey == '' then
    code = 2
  elseif limit > 0 then
    local key = ns .. ':ip:' .. ipkey
    local n = redis.call('INCR', key)
    if n == 1 then redis.call('EXPIRE', key, 120) end
    if n > limit then code = 2 end
  end
  if code == 0 then
    local key = ns .. ':seen:' .. link .. ':' .. visitor
    if not redis.call('SET', key, id, 'NX', 'EX', ttl) and redis.call('GET', key) ~= id then code = 1 end
  end
  out[#out + 1] = code
end
return out
"""


@dataclass(frozen=True)
class ClickRecord:
    id: str
    link_id: str
    partner_id: str
    brand_id: str
    session_id: str | None
    visitor_id: str
    user_agent: str | None
    ip: str
    clicked_at: float  # unix seconds


class ClickBuffer(Protocol):
    """Where a click waits between the redirect and the database. A claimed batch belongs to one
    flush until it is acknowledged (written) or released (not written: claimed again later)."""

    async def add(self, click: ClickRecord) -> None:
        """Keep the click; when this returns, the click survives what the buffer promises."""

    async def claim(self, limit: int) -> list[ClickRecord]:
        """Up to `limit` clicks that no other flush holds, oldest first."""

    async def ack(self, batch: list[ClickRecord]) -> None:
        """The batch is in the database: forget it."""

    async def release(self, batch: list[ClickRecord]) -> None:
        """The batch could not be written: it goes back, first in line."""

    async def pending(self) -> int:
        """Clicks kept and not yet acknowledged (claimed ones included)."""


class ClickQueue:
    """This worker's clicks not yet written, oldest first.

    A flush *takes* its batch out of the queue, so two flushes (the background loop and a drain at
    shutdown or in a test, possibly on different event loops) never hold the same click; a batch
    that could not be written is *given back* to the front, in order."""

    def __init__(self) -> None:
        self.items: deque[ClickRecord] = deque()

    def append(self, click: ClickRecord) -> None:
        self.items.append(click)

    def take(self, limit: int) -> list[ClickRecord]:
        batch: list[ClickRecord] = []
        while self.items and len(batch) < limit:
            batch.append(self.items.popleft())
        return batch

    def give_back(self, batch: list[ClickRecord]) -> None:
        self.items.extendleft(reversed(batch))

    def __len__(self) -> int:
        return len(self.items)


class MemoryClickBuffer:
    """One process without Redis: the clicks wait in this worker's memory (no I/O on the request)."""

    def __init__(self) -> None:
        self.queue = ClickQueue()
        self.claimed = 0

    async def add(self, click: ClickRecord) -> None:
        self.queue.append(click)

    async def claim(self, limit: int) -> list[ClickRecord]:
        batch = self.queue.take(limit)
        self.claimed += len(batch)
        return batch

    async def ack(self, batch: list[ClickRecord]) -> None:
        self.claimed -= len(batch)

    async def release(self, batch: list[ClickRecord]) -> None:
        self.claimed -= len(batch)
        self.queue.give_back(batch)

    async def pending(self) -> int:
        return len(self.queue) + self.claimed


class ClickClassifier(Protocol):
    async def classify(self, batch: list[ClickRecord]) -> list[int]:
        """COUNTED, DUPLICATE or BOT for each click of the batch, in order."""


class MemoryClassifier:
    """One process (no Redis): a TTL map for duplicates and a per-minute counter per IP."""

    def __init__(self, dedupe_seconds: int, ip_per_minute: int) -> None:
        self.dedupe_seconds, self.ip_per_minute = dedupe_seconds, ip_per_minute
        self.first: dict[tuple[str, str], tuple[float, str]] = {}
        self.ip_counts: dict[str, tuple[int, int]] = {}

    async def classify(self, batch: list[ClickRecord]) -> list[int]:
        return [self._one(click) for click in batch]

    def _one(self, click: ClickRecord) -> int:
        if is_bot_agent(click.user_agent) or self._over_rate(click):
            return BOT
        now, key = time.monotonic(), (click.link_id, click.visitor_id)
        until, first_id = self.first.get(key, (0.0, ""))
        if until > now and first_id != click.id:
            return DUPLICATE
        if len(self.first) > 200_000:  # bound memory: forget expired entries
            self.first = {k: v for k, v in self.first.items() if v[0] > now}
        self.first[key] = (now + self.dedupe_seconds, click.id)
        return COUNTED

    def _over_rate(self, click: ClickRecord) -> bool:
        if self.ip_per_minute <= 0:
            return False
        minute = int(click.clicked_at // 60)
        at, count = self.ip_counts.get(click.ip, (minute, 0))
        count = count + 1 if at == minute else 1
        if len(self.ip_counts) > 200_000:
            self.ip_counts.clear()
        self.ip_counts[click.ip] = (minute, count)
        return count > self.ip_per_minute


class RedisClassifier:
    """Shared by every worker: one script call per batch."""

    def __init__(self, redis: Any, namespace: str, dedupe_seconds: int, ip_per_minute: int) -> None:
        self.redis, self.ns = redis, f"{namespace}:dist"
        self.dedupe_seconds, self.ip_per_minute = dedupe_seconds, ip_per_minute
        self.script = redis.register_script(CLASSIFY_LUA)

    async def classify(self, batch: list[ClickRecord]) -> list[int]:
        args: list[Any] = [self.ns, self.dedupe_seconds, self.ip_per_minute]
        for click in batch:
            ip_key = "" if is_bot_agent(click.user_agent) else f"{click.ip}:{int(click.clicked_at // 60)}"
            args += [click.id, click.link_id, click.visitor_id, ip_key]
        return [int(code) for code in await self.script(keys=[], args=args)]
