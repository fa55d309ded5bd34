"""A connection's bounded send queue. Counters and tickers (likes, carts, viewers, stock) keep only
their newest unsent value; other events (pins, comments, state) are kept in order until the
queue is full, and then the connection is declared too slow (it reconnects and resumes)."""

from __future__ import annotations

import asyncio
import itertools
from collections import OrderedDict

MAX_QUEUED = 256


class SendQueue:
    def __init__(self, max_queued: int = MAX_QUEUED) -> None:
        self.max_queued = max_queued
        self.overflowed = False
        self.floor = 0  # events with seq <= floor are already in the client's snapshot or replay
        self.dropped = 0
        self._items: OrderedDict[object, str] = OrderedDict()
        self._ready = asyncio.Event()
        self._direct = itertools.count()

    def put(self, seq: int, key: str | None, data: str) -> None:
        """Queue a room event; a newer value of the same `key` replaces (drops) the older one."""
        if seq <= self.floor or self.overflowed:
            return
        if key is not None and self._items.pop(key, None) is not None:
            self.dropped += 1
        self._items[key if key is not None else seq] = data
        self._after_put()

    def put_direct(self, data: str) -> None:
        """Queue an answer to this connection only (errors, pongs): not sequenced."""
        self._items[("direct", next(self._direct))] = data
        self._after_put()

    def _after_put(self) -> None:
        if len(self._items) > self.max_queued:
            self.overflowed = True
            self._items.clear()
        self._ready.set()

    def __len__(self) -> int:
        return len(self._items)

    def take(self) -> list[str]:
        items = list(self._items.values())
        self._items.clear()
        self._ready.clear()
        return items

    async def get(self) -> list[str]:
        """Wait for and take everything queued, oldest first (empty if the queue overflowed)."""
        while not self._items and not self.overflowed:
            await self._ready.wait()
            self._ready.clear()
        return self.take()
