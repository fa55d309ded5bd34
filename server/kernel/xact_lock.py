"""Serialise a read-then-decide among transactions that share a name (e.g. "open holds of this
client address"), until the caller's transaction ends.

PostgreSQL: one `pg_advisory_xact_lock` per name, taken in a fixed order (sorted keys), so two
callers never wait on each other in a circle. SQLite has one writer at a time: a caller that has
already written in its transaction holds the database's write lock, which serialises it with every
other writer — so call this *after* the transaction's first write, and count after it."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.db import is_postgres


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a name (the same in every worker; a collision only serialises)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


async def lock_names(session: AsyncSession, *names: str) -> None:
    if not is_postgres(session):
        return
    for key in sorted({lock_key(n) for n in names}):
        await session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
