"""The two stock gate adapters, and the same damage done to either (tests only)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from redis.asyncio import Redis

from broadcast.checkout.gate.memory import MemoryStockGate
from broadcast.checkout.gate.redis import RedisStockGate


@asynccontextmanager
async def open_gate(kind: str, redis_url: str | None, namespace: str) -> AsyncIterator[Any]:
    if kind == "memory":
        yield MemoryStockGate()
        return
    assert redis_url is not None
    redis = Redis.from_url(redis_url)
    try:
        yield RedisStockGate(redis, namespace)
    finally:
        await redis.aclose()


async def corrupt(gate: Any, session_id: str, sku_id: str, value: Any) -> None:
    """Overwrite a SKU's units left with anything (a huge number, garbage)."""
    if isinstance(gate, MemoryStockGate):
        gate.corrupt(session_id, sku_id, value)
    else:
        await gate.redis.hset(gate.key(session_id, "units"), sku_id, str(value))


async def lose(gate: Any, session_id: str) -> None:
    """What an eviction or a Redis restart without persistence leaves: no keys at all."""
    if isinstance(gate, MemoryStockGate):
        await gate.drop(session_id)
    else:
        await gate.redis.delete(*gate._keys(session_id))
