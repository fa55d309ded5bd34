"""The room store on Redis: one Lua script makes seq + history + PUBLISH atomic, so the Channels
pub/sub subscribers of every worker see one session's events in the same gap-free order."""

from __future__ import annotations

import asyncio
import json
import time
from importlib import resources
from typing import Any

from redis.asyncio import Redis

from broadcast.liveroom.events import body_prefix, channel_of
from broadcast.liveroom.store import (
    COUNTER_GATE_MS,
    HISTORY_MAX,
    PRESENCE_STALE_MS,
    TTL_S,
    VIEWERS_GATE_MS,
    Counters,
    funnel,
    merge_refs,
)

MAX_CONCURRENT_CALLS = 32
SCRIPT = (resources.files("broadcast.liveroom") / "lua" / "room.lua").read_text()
KEY_NAMES = (
    "seq",
    "history",
    "likes",
    "likes_by_ref",
    "carts",
    "carts_by_ref",
    "likes_dirty",
    "carts_dirty",
    "likes_gate",
    "carts_gate",
    "presence_seen",
    "presence_count",
    "presence_refs",
    "viewers_last",
    "viewers_gate",
)


class RedisRoomStore:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace
        self._script = redis.register_script(SCRIPT)
        # redis-py's pool refuses (rather than waits) past its size: queue our calls below it.
        self._calls = asyncio.Semaphore(MAX_CONCURRENT_CALLS)

    def key(self, session_id: str, name: str) -> str:
        # The hash tag keeps one session's keys in one Redis Cluster slot (the script uses them together).
        return f"{self.namespace}:room:{{{session_id}}}:{name}"

    async def _run(self, session_id: str, op: str, *args: Any) -> Any:
        keys = [self.key(session_id, name) for name in KEY_NAMES]
        argv = [channel_of(self.namespace, session_id), HISTORY_MAX, TTL_S, op, *args]
        async with self._calls:
            return await self._script(keys=keys, args=argv)

    async def append(self, session_id: str, body: dict[str, Any]) -> str:
        return _text(await self._run(session_id, "append", body_prefix(body)))

    async def like(self, session_id: str, by_ref: dict[str, int]) -> int:
        pairs = [value for ref, count in by_ref.items() for value in (ref, count)]
        return int(await self._run(session_id, "like", COUNTER_GATE_MS, *pairs))

    async def cart(self, session_id: str, sku_id: str, quantity: int, ref: str | None) -> int:
        return int(await self._run(session_id, "cart", sku_id, quantity, ref or "", COUNTER_GATE_MS))

    async def flush(self, session_id: str) -> tuple[int, int]:
        likes, carts = await self._run(session_id, "flush", COUNTER_GATE_MS)
        return int(likes), int(carts)

    async def presence(self, session_id: str, worker: str, count: int, refs: dict[str, int]) -> int:
        now_ms = int(time.time() * 1000)
        return int(
            await self._run(
                session_id, "presence", worker, count, json.dumps(refs), now_ms, PRESENCE_STALE_MS, VIEWERS_GATE_MS
            )
        )

    async def current_seq(self, session_id: str) -> int:
        return int(await self.redis.get(self.key(session_id, "seq")) or 0)

    async def history_after(self, session_id: str, seq: int) -> list[str]:
        rows: list[Any] = await self.redis.zrangebyscore(self.key(session_id, "history"), f"({seq}", "+inf")
        return [_text(row) for row in rows]

    async def counters(self, session_id: str) -> Counters:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(self.key(session_id, "likes"))
            pipe.hgetall(self.key(session_id, "carts"))
            pipe.hvals(self.key(session_id, "presence_count"))
            likes, carts, viewers = await pipe.execute()
        return Counters(
            likes=int(likes or 0),
            carts={_text(k): int(v) for k, v in carts.items()},
            viewers=sum(int(v) for v in viewers),
        )

    async def raise_counters(self, session_id: str, likes: int, carts: dict[str, int]) -> None:
        pairs = [value for sku_id, count in carts.items() for value in (sku_id, count)]
        await self._run(session_id, "floor", likes, *pairs)

    async def ref_counts(self, session_id: str) -> dict[str, dict[str, int]]:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hvals(self.key(session_id, "presence_refs"))
            pipe.hgetall(self.key(session_id, "likes_by_ref"))
            pipe.hgetall(self.key(session_id, "carts_by_ref"))
            refs, likes, carts = await pipe.execute()
        viewers = merge_refs([json.loads(r) for r in refs])
        return funnel(viewers, _ints(likes), _ints(carts))

    async def add_orders(self, session_id: str, quantities: dict[str, int]) -> None:
        key = self.key(session_id, "orders")
        async with self.redis.pipeline(transaction=True) as pipe:
            for sku_id, quantity in quantities.items():
                pipe.hincrby(key, sku_id, quantity)
            pipe.expire(key, TTL_S)
            await pipe.execute()

    async def orders(self, session_id: str) -> dict[str, int]:
        return _ints(await self.redis.hgetall(self.key(session_id, "orders")))

    async def record_likers(self, session_id: str, likers: dict[str, int]) -> None:
        key = self.key(session_id, "likers")
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=likers)  # type: ignore[arg-type]
            pipe.expire(key, TTL_S)
            await pipe.execute()

    async def liked_at(self, session_id: str, visitor_id: str) -> int | None:
        value = await self.redis.hget(self.key(session_id, "likers"), visitor_id)
        return int(value) if value is not None else None

    async def _kept(self, session_id: str, name: str, command: str, *args: Any) -> None:
        """One write to a session key, its time to live renewed in the same transaction."""
        key = self.key(session_id, name)
        async with self.redis.pipeline(transaction=True) as pipe:
            getattr(pipe, command)(key, *args)
            pipe.expire(key, TTL_S)
            await pipe.execute()

    async def note_viewer(self, session_id: str, visitor_id: str) -> None:
        await self._kept(session_id, "viewers_seen", "sadd", visitor_id)

    async def unique_viewers(self, session_id: str) -> int:
        return int(await self.redis.scard(self.key(session_id, "viewers_seen")))

    async def add_watch_ms(self, session_id: str, ms: int) -> None:
        await self._kept(session_id, "watch_ms", "incrby", ms)

    async def watch_ms(self, session_id: str) -> int:
        return int(await self.redis.get(self.key(session_id, "watch_ms")) or 0)

    async def allow(self, key: str, limit: int, window_s: int) -> bool:
        full = f"{self.namespace}:rl:{key}:{int(time.time()) // window_s}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(full)
            pipe.expire(full, window_s + 1)
            count, _ = await pipe.execute()
        return int(count) <= limit


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _ints(mapping: dict[Any, Any]) -> dict[str, int]:
    return {_text(k): int(v) for k, v in mapping.items()}
