"""Recording the live as it happens: every pin, price change, coupon drop and sell-out becomes a
`ReplayMoment` with its offset from the go-live.

Why a table of our own rather than reading the outbox later: the outbox is a delivery queue of
versioned payloads with no index by session or kind, and a SKU's price change emits no event; a
moment is one small row with its offset worked out once, read by one indexed query per replay.
The outbox consumers below record in the dispatcher's transaction, with the (event, handler)
record, so each event is recorded once; `source_id` makes a second attempt a no-op anyway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession, SessionState
from broadcast.replays.models import MomentKind, ReplayMoment
from server.kernel.clock import as_utc
from server.kernel.ids import new_id


def _during_live(live: LiveSession, at: datetime) -> bool:
    if live.started_at is None or live.state in (SessionState.SCHEDULED, SessionState.CANCELLED):
        return False
    return live.ended_at is None or as_utc(at) <= as_utc(live.ended_at)


def offset_ms(live: LiveSession, at: datetime) -> int:
    """Milliseconds from the go-live; never negative (a clock a little behind is the go-live)."""
    started = as_utc(live.started_at) if live.started_at else as_utc(at)
    return max(0, int((as_utc(at) - started).total_seconds() * 1000))


async def record(
    session: AsyncSession,
    live: LiveSession | None,
    *,
    kind: MomentKind,
    at: datetime,
    source_id: str,
    sku_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> ReplayMoment | None:
    """Add the moment to the caller's transaction (no commit) if it happened during the live: an
    event is often handled after the show ended, so its own time decides, not the session's state."""
    if live is None or not _during_live(live, at):
        return None
    if (await session.exec(select(ReplayMoment.id).where(ReplayMoment.source_id == source_id))).first():
        return None
    moment = ReplayMoment(
        id=new_id("rpm"),
        session_id=live.id,
        kind=kind,
        sku_id=sku_id,
        offset_ms=offset_ms(live, at),
        at=as_utc(at),
        detail=detail or {},
        source_id=source_id,
    )
    session.add(moment)
    return moment
