"""Writing the per-minute series (`SessionMinute`): sampled gauges and rebuilt flows, each an
upsert that touches only its own columns, so the sampler of every worker and the outbox consumers
can write the same minute in any order, any number of times."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from server.dashboard import sources
from server.dashboard.models import SessionMinute
from server.kernel.clock import as_utc, utcnow
from server.kernel.db import is_postgres

MINUTE = timedelta(minutes=1)
FLOWS = ("orders", "gmv_minor", "refunds_minor", "cart_adds", "comments", "clicks")
GAUGES = ("online_peak", "online_sum", "online_samples", "likes_total", "unique_viewers", "watch_s_total")
TABLE: Any = SessionMinute.__table__  # type: ignore[attr-defined]


def floor_minute(at: datetime) -> datetime:
    return as_utc(at).replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Sample:
    online: int
    likes_total: int
    unique_viewers: int
    watch_s_total: int = 0


@dataclass
class Flows:
    by_minute: dict[datetime, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: dict.fromkeys(FLOWS, 0))
    )

    def add(self, at: datetime, name: str, value: int = 1) -> None:
        self.by_minute[floor_minute(at)][name] += value


def _insert(db: AsyncSession) -> Any:
    return (postgresql.insert if is_postgres(db) else sqlite.insert)(TABLE)


def _larger(name: str, excluded: Any) -> Any:
    return sa.case((TABLE.c[name] > excluded[name], TABLE.c[name]), else_=excluded[name])


async def record_sample(db: AsyncSession, session_id: str, at: datetime, sample: Sample) -> None:
    """One sample of the room's counters into its minute (the caller commits)."""
    values = {
        "session_id": session_id,
        "minute": floor_minute(at),
        "online_peak": sample.online,
        "online_sum": sample.online,
        "online_samples": 1,
        "likes_total": sample.likes_total,
        "unique_viewers": sample.unique_viewers,
        "watch_s_total": sample.watch_s_total,
        **dict.fromkeys(FLOWS, 0),
    }
    stmt = _insert(db).values(values)
    ex = stmt.excluded
    await db.execute(
        stmt.on_conflict_do_update(
            index_elements=["session_id", "minute"],
            set_={
                "online_peak": _larger("online_peak", ex),
                "online_sum": TABLE.c.online_sum + ex.online_sum,
                "online_samples": TABLE.c.online_samples + 1,
                "likes_total": _larger("likes_total", ex),
                "unique_viewers": _larger("unique_viewers", ex),
                "watch_s_total": _larger("watch_s_total", ex),
            },
        )
    )


async def flows(db: AsyncSession, session_id: str, since: datetime | None = None) -> Flows:
    """The session's flows per minute (from `since`'s minute on), from the source tables."""
    out = Flows()
    for order in await sources.paid_orders(db, session_id, since):
        assert order.paid_at is not None
        out.add(order.paid_at, "orders")
        out.add(order.paid_at, "gmv_minor", order.amount_minor)
    for refund in await sources.refunds(db, session_id, since):
        out.add(refund.at, "gmv_minor", -refund.amount_minor)
        out.add(refund.at, "refunds_minor", refund.amount_minor)
    for at, units in await sources.cart_adds(db, session_id, since):
        out.add(at, "cart_adds", units)
    for at in await sources.comment_times(db, session_id, since):
        out.add(at, "comments")
    for at in await sources.click_times(db, session_id, since):
        out.add(at, "clicks")
    return out


async def rebuild(db: AsyncSession, session_id: str, since: datetime | None = None) -> int:
    """Recompute the flows of every minute (or of `since`'s minute on) from the source tables:
    idempotent, so a redelivered event or two workers doing it change nothing; the caller commits.
    Returns the number of minutes that have any flow."""
    start = floor_minute(since) if since is not None else None
    computed = await flows(db, session_id, start)
    zero = update(SessionMinute).where(col(SessionMinute.session_id) == session_id)
    if start is not None:
        zero = zero.where(col(SessionMinute.minute) >= start)
    await db.execute(zero.values(dict.fromkeys(FLOWS, 0)), execution_options={"synchronize_session": False})
    for minute, values in sorted(computed.by_minute.items()):
        await _upsert_flows(db, session_id, minute, values)
    return len(computed.by_minute)


async def recount_paid(db: AsyncSession, session_id: str, paid_at: Iterable[datetime]) -> None:
    """The orders and GMV of the minutes these payments fell in, counted in SQL: all a payment
    changes, without reading every order since (a busy sale pays thousands a minute, and each
    batch of payments would read them all again). GMV nets the refunds the minute's row holds
    (each refund rebuilds its own minute); the caller commits."""
    for minute in sorted({floor_minute(at) for at in paid_at}):
        orders, amount = await sources.paid_in_minute(db, session_id, minute)
        gauges = dict.fromkeys(("online_peak", "online_sum", "online_samples", "likes_total", "unique_viewers"), 0)
        values = {**gauges, **dict.fromkeys(FLOWS, 0), "orders": orders, "gmv_minor": amount}
        stmt = _insert(db).values({"session_id": session_id, "minute": minute, **values})
        recounted = {"orders": stmt.excluded.orders, "gmv_minor": stmt.excluded.gmv_minor - TABLE.c.refunds_minor}
        await db.execute(stmt.on_conflict_do_update(index_elements=["session_id", "minute"], set_=recounted))


async def _upsert_flows(db: AsyncSession, session_id: str, minute: datetime, values: dict[str, int]) -> None:
    gauges = dict.fromkeys(GAUGES, 0)
    stmt = _insert(db).values({"session_id": session_id, "minute": minute, **gauges, **values})
    await db.execute(
        stmt.on_conflict_do_update(
            index_elements=["session_id", "minute"], set_={name: stmt.excluded[name] for name in FLOWS}
        )
    )


async def read(db: AsyncSession, live: LiveSession) -> list[SessionMinute]:
    """The session's minutes from its start to its end (or now), zero-filled, plus any later
    minute with data (a refund after the show)."""
    stmt = select(SessionMinute).where(SessionMinute.session_id == live.id).order_by(col(SessionMinute.minute))
    stored = {as_utc(row.minute): row for row in (await db.exec(stmt)).all()}
    return list(_filled(live, stored))


MAX_MINUTES = 24 * 60


def _filled(live: LiveSession, stored: dict[datetime, SessionMinute]) -> Iterable[SessionMinute]:
    first = [floor_minute(live.started_at)] if live.started_at else []
    last = [floor_minute(live.ended_at or utcnow())] if live.started_at else []
    bounds = sorted([*stored, *first, *last])
    if not bounds:
        return
    minute, end = bounds[0], max(bounds[-1], bounds[0])
    for _ in range(MAX_MINUTES):
        if minute > end:
            return
        yield stored.get(minute) or SessionMinute(session_id=live.id, minute=minute)
        minute += MINUTE
