"""The outbox backlog in three numbers, read with one query (cheap enough for every scrape:
`delivered_at` and `dead_at` are indexed, and a healthy backlog is a handful of rows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent, OutboxFailure


@dataclass(frozen=True, slots=True)
class Backlog:
    undelivered_events: int
    dead_letters: int
    oldest_undelivered_age_s: float


async def read_backlog(session: AsyncSession) -> Backlog:
    undelivered = col(OutboxEvent.delivered_at).is_(None)
    stmt = select(
        select(func.count()).select_from(OutboxEvent).where(undelivered).scalar_subquery(),
        select(func.min(OutboxEvent.created_at)).where(undelivered).scalar_subquery(),
        select(func.count())
        .select_from(OutboxFailure)
        .where(col(OutboxFailure.dead_at).is_not(None))
        .scalar_subquery(),
    )
    count, oldest, dead = (await session.exec(stmt)).one()
    return Backlog(int(count), int(dead), _age_s(oldest))


def _age_s(oldest: datetime | str | None) -> float:
    if oldest is None:
        return 0.0
    if isinstance(oldest, str):  # SQLite hands an aggregate back untyped
        oldest = datetime.fromisoformat(oldest)
    return max((utcnow() - as_utc(oldest)).total_seconds(), 0.0)
