"""How many connections one key (an address) holds at once: the port and its in-process adapter.

A socket takes a lease when it opens and gives it back when it closes; past the cap, no lease.
The Redis adapter (`leases_redis.py`) shares the count between workers."""

from __future__ import annotations

import uuid
from typing import Protocol


class ConnectionLeases(Protocol):
    async def acquire(self, key: str, cap: int) -> str | None:
        """A lease id, or None when `key` already holds `cap` leases."""

    async def release(self, key: str, lease: str) -> None:
        """Give the lease back (a no-op if it is gone already)."""


class MemoryConnectionLeases:
    """One process: exact, and nothing to leak (a crash takes its sockets with it)."""

    def __init__(self) -> None:
        self.held: dict[str, set[str]] = {}

    async def acquire(self, key: str, cap: int) -> str | None:
        leases = self.held.setdefault(key, set())
        if len(leases) >= cap:
            return None
        lease = uuid.uuid4().hex
        leases.add(lease)
        return lease

    async def release(self, key: str, lease: str) -> None:
        leases = self.held.get(key)
        if leases is not None:
            leases.discard(lease)
            if not leases:
                del self.held[key]
