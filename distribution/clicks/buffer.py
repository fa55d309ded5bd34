"""Where clicks wait between the redirect and the database: a port with two adapters.

`record` decides in one step (one Redis round trip) whether a click is a bot (user agent or
per-IP rate), a duplicate (same visitor, same link, within the de-duplication window) or a new
click, and queues bots and new clicks. The flusher takes batches with `take`, writes them, and
only then `commit`s, so a crash between the two replays a batch (inserts are idempotent) and
never drops one."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

RECORD_LUA = """
local bot = ARGV[4] == '1'
local limit = tonumber(ARGV[3])
if not bot and limit > 0 then
  local n = redis.call('INCR', KEYS[2])
  if n == 1 then redis.call('EXPIRE', KEYS[2], 60) end
  if n > limit then bot = true end
end
if bot then redis.call('RPUSH', KEYS[3], 'b' .. ARGV[1]) return {2, ARGV[5]} end
if redis.call('SET', KEYS[1], ARGV[5], 'NX', 'EX', tonumber(ARGV[2])) then
  redis.call('RPUSH', KEYS[3], 'h' .. ARGV[1]) return {1, ARGV[5]}
end
return {0, redis.call('GET', KEYS[1])}
"""
COMMIT_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('LTRIM', KEYS[2], tonumber(ARGV[2]), -1) return 1 end
return 0
"""
RELEASE_LUA = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
COUNTED, DUPLICATE, BOT = 1, 0, 2


@dataclass(frozen=True)
class ClickRecord:
    id: str
    link_id: str
    partner_id: str
    brand_id: str
    session_id: str | None
    visitor_id: str
    user_agent: str | None
    clicked_at: float  # unix seconds
    is_bot: bool = False

    def encode(self) -> str:
        return json.dumps([self.id, self.link_id, self.partner_id, self.brand_id, self.session_id,
                           self.visitor_id, self.user_agent, self.clicked_at], separators=(",", ":"))

    @classmethod
    def decode(cls, raw: str, is_bot: bool) -> ClickRecord:
        return cls(*json.loads(raw), is_bot=is_bot)


class ClickBuffer(Protocol):
    async def record(self, click: ClickRecord, ip: str, agent_is_bot: bool) -> tuple[int, str]:
        """(COUNTED | DUPLICATE | BOT, the id of the click the visitor's cookie should name)."""
    async def take(self, limit: int) -> list[ClickRecord] | None: ...
    async def commit(self, count: int) -> None: ...
    async def release(self) -> None: ...
    async def pending(self) -> int: ...


class MemoryClickBuffer:
    """One process (no Redis): a list, a TTL map for duplicates and a per-minute IP counter."""

    def __init__(self, dedupe_seconds: int, ip_per_minute: int) -> None:
        self.dedupe_seconds, self.ip_per_minute = dedupe_seconds, ip_per_minute
        self.queue: list[ClickRecord] = []
        self.seen: dict[tuple[str, str], tuple[float, str]] = {}
        self.ip_counts: dict[str, tuple[int, int]] = {}

    async def record(self, click: ClickRecord, ip: str, agent_is_bot: bool) -> tuple[int, str]:
        now = time.monotonic()
        if agent_is_bot or self._over_rate(ip, int(now // 60)):
            self.queue.append(ClickRecord(**{**click.__dict__, "is_bot": True}))
            return BOT, click.id
        key = (click.link_id, click.visitor_id)
        until, first_id = self.seen.get(key, (0.0, ""))
        if until > now:
            return DUPLICATE, first_id
        if len(self.seen) > 100_000:  # bound memory: forget expired entries
            self.seen = {k: v for k, v in self.seen.items() if v[0] > now}
        self.seen[key] = (now + self.dedupe_seconds, click.id)
        self.queue.append(click)
        return COUNTED, click.id

    def _over_rate(self, ip: str, minute: int) -> bool:
        if self.ip_per_minute <= 0:
            return False
        at, count = self.ip_counts.get(ip, (minute, 0))
        count = count + 1 if at == minute else 1
        if len(self.ip_counts) > 100_000:
            self.ip_counts.clear()
        self.ip_counts[ip] = (minute, count)
        return count > self.ip_per_minute

    async def take(self, limit: int) -> list[ClickRecord] | None:
        return self.queue[:limit]

    async def commit(self, count: int) -> None:
        del self.queue[:count]

    async def release(self) -> None:
        return None

    async def pending(self) -> int:
        return len(self.queue)


class RedisClickBuffer:
    """Shared by every worker: a Redis list; one flusher at a time holds a lock while it writes."""

    def __init__(self, redis: Any, namespace: str, dedupe_seconds: int, ip_per_minute: int) -> None:
        self.redis, self.ns = redis, f"{namespace}:dist"
        self.queue_key, self.lock_key = f"{self.ns}:clicks", f"{self.ns}:clicks:lock"
        self.dedupe_seconds, self.ip_per_minute = dedupe_seconds, ip_per_minute
        self.owner = uuid.uuid4().hex
        self._record = redis.register_script(RECORD_LUA)
        self._commit = redis.register_script(COMMIT_LUA)
        self._release = redis.register_script(RELEASE_LUA)

    async def record(self, click: ClickRecord, ip: str, agent_is_bot: bool) -> tuple[int, str]:
        keys = [f"{self.ns}:seen:{click.link_id}:{click.visitor_id}", f"{self.ns}:ip:{ip}", self.queue_key]
        args = [click.encode(), self.dedupe_seconds, self.ip_per_minute, "1" if agent_is_bot else "0", click.id]
        status, click_id = await self._record(keys=keys, args=args)
        return int(status), click_id.decode() if isinstance(click_id, bytes) else str(click_id)

    async def take(self, limit: int) -> list[ClickRecord] | None:
        """A batch from the head of the queue, or None if another worker's flusher holds the lock."""
        if not await self.redis.set(self.lock_key, self.owner, nx=True, px=30_000):
            if await self.redis.get(self.lock_key) != self.owner.encode():
                return None
            await self.redis.pexpire(self.lock_key, 30_000)
        raw = await self.redis.lrange(self.queue_key, 0, limit - 1)
        return [ClickRecord.decode(item[1:].decode(), item[:1] == b"b") for item in raw]

    async def commit(self, count: int) -> None:
        # Trims only while still holding the lock: if it expired, the next holder replays the batch.
        await self._commit(keys=[self.lock_key, self.queue_key], args=[self.owner, count])

    async def release(self) -> None:
        await self._release(keys=[self.lock_key], args=[self.owner])

    async def pending(self) -> int:
        return int(await self.redis.llen(self.queue_key))
