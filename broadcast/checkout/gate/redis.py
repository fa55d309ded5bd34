"""The stock gate on Redis: one Lua script per call, so a take (every line and the buyer's slots)
is atomic across any number of workers. A session's keys share a hash tag (one Cluster slot).
Any Redis error becomes `GateUnavailable`: the caller lets the database decide alone."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from importlib import resources
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from broadcast.checkout.gate.port import (
    LOCK_TTL_MS,
    SEP,
    TTL_S,
    Answer,
    GateStock,
    GateUnavailable,
    Line,
    Verdict,
    won_member,
)

MAX_CONCURRENT_CALLS = 64  # redis-py's pool refuses (rather than waits) past its size
_LUA = resources.files("broadcast.checkout.gate") / "lua"


def _script(name: str) -> str:
    return (_LUA / f"{name}.lua").read_text()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisStockGate:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace
        self._take = redis.register_script(_script("take"))
        self._give = redis.register_script(_script("give"))
        self._load = redis.register_script(_script("load"))
        self._reconcile = redis.register_script(_script("reconcile"))
        self._calls = asyncio.Semaphore(MAX_CONCURRENT_CALLS)
        self._lock_token = uuid.uuid4().hex
        self.index = f"{namespace}:gate:sessions"  # the sessions the reconcile pass visits

    def key(self, session_id: str, name: str) -> str:
        return f"{self.namespace}:gate:{{{session_id}}}:{name}"

    def _keys(self, session_id: str) -> list[str]:
        return [self.key(session_id, name) for name in ("units", "bought", "won")]

    async def _call(self, script: Any, keys: list[str], args: list[Any]) -> Any:
        try:
            async with self._calls:
                return await script(keys=keys, args=args)
        except RedisError as exc:
            raise GateUnavailable(repr(exc)) from exc

    @staticmethod
    def _argv(visitor_id: str, key: str, lines: Sequence[Line]) -> list[Any]:
        pairs = [value for line in lines for value in (line.sku_id, line.quantity)]
        return [won_member(visitor_id, key), f"{visitor_id}{SEP}", *pairs]

    async def take(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> Answer:
        verdict, sku, count, limit = await self._call(
            self._take, self._keys(session_id), self._argv(visitor_id, key, lines)
        )
        return Answer(Verdict(int(verdict)), _text(sku), int(count), int(limit))

    async def give(self, session_id: str, visitor_id: str, key: str, lines: Sequence[Line]) -> bool:
        return bool(await self._call(self._give, self._keys(session_id), self._argv(visitor_id, key, lines)))

    async def load(self, session_id: str, stock: GateStock) -> None:
        units = [v for sku, left in stock.left.items() for v in (sku, left)]
        bought = [v for (vid, sku), n in stock.bought.items() for v in (f"{vid}{SEP}{sku}", n)]
        won = [won_member(vid, key) for vid, key in stock.won]
        args = [TTL_S, stock.per_buyer_limit, len(stock.left), *units, len(stock.bought), *bought, *won]
        await self._call(self._load, self._keys(session_id), args)
        await self._redis(self.redis.sadd(self.index, session_id))

    async def reconcile(self, session_id: str, left: dict[str, int], seen_seq: int | None) -> tuple[int, int]:
        pairs = [v for sku, n in left.items() for v in (sku, n)]
        args = ["" if seen_seq is None else seen_seq, *pairs]
        seq, changed = await self._call(self._reconcile, [self.key(session_id, "units")], args)
        return int(seq), int(changed)

    async def _redis(self, call: Any) -> Any:
        try:
            return await call
        except RedisError as exc:
            raise GateUnavailable(repr(exc)) from exc

    async def lock(self, session_id: str) -> bool:
        lock = self.redis.set(self.key(session_id, "lock"), self._lock_token, nx=True, px=LOCK_TTL_MS)
        return bool(await self._redis(lock))

    async def unlock(self, session_id: str) -> None:
        await self._redis(self.redis.delete(self.key(session_id, "lock")))

    async def sessions(self) -> list[str]:
        return sorted(_text(s) for s in await self._redis(self.redis.smembers(self.index)))

    async def drop(self, session_id: str) -> None:
        await self._redis(self.redis.delete(*self._keys(session_id)))
        await self._redis(self.redis.srem(self.index, session_id))

    async def units_left(self, session_id: str) -> dict[str, int]:
        raw = await self._redis(self.redis.hgetall(self.key(session_id, "units")))
        out: dict[str, int] = {}
        for field, value in raw.items():
            name = _text(field)
            if not name.startswith("_") and _text(value).lstrip("-").isdigit():
                out[name] = int(value)
        return out
