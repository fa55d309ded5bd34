"""The moments of a live, recorded as they happen for its replay (`broadcast/replays`): every pin,
price change, coupon drop and sell-out becomes a `ReplayMoment` with its offset from the go-live.

Why a table of our own rather than reading the outbox later: the outbox is a delivery queue of
versioned payloads with no index by session or kind, and a SKU's price change emits no event; a
moment is one small row with its offset worked out once, read by one indexed query per replay.
The outbox consumers (`broadcast/replays/handlers.py`) record in the dispatcher's transaction,
with the (event, handler) record, so each event is recorded once; `source_id` makes a second
attempt a no-op anyway.
Prices are written in the transaction of the change itself (no event carries a price): the
line-up's prices at the go-live, an item joining the live line-up, each SKU price change. A
module of the package root, so the session and SKU services can call it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LineupItem, LiveSession, SessionState, Sku
from broadcast.replays.models import MomentKind, ReplayMoment
from server.kernel.clock import as_utc, utcnow
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


async def record_lineup_prices(session: AsyncSession, live: LiveSession, at: datetime) -> None:
    """In the go-live's transaction: the prices the room shows from the start (the card's first)."""
    stmt = (
        select(LineupItem, Sku).join(Sku, col(Sku.id) == col(LineupItem.sku_id)).where(LineupItem.session_id == live.id)
    )
    for item, sku in (await session.exec(stmt)).all():
        await record_item_price(session, live, item, sku, at)


async def record_item_price(session: AsyncSession, live: LiveSession, item: LineupItem, sku: Sku, at: datetime) -> None:
    """A line-up item's price as the room shows it from `at` (the go-live, or its joining the live)."""
    await _price(session, live, item, sku, f"lineup:{item.id}:{as_utc(at).isoformat()}", at)


async def record_price_change(session: AsyncSession, sku: Sku) -> None:
    """Called in the SKU update's transaction: each live session selling it records the new price."""
    now = utcnow()
    stmt = (
        select(LineupItem, LiveSession)
        .join(LiveSession, col(LiveSession.id) == col(LineupItem.session_id))
        .where(LineupItem.sku_id == sku.id, LiveSession.state == SessionState.LIVE)
    )
    for item, live in (await session.exec(stmt)).all():
        await _price(session, live, item, sku, f"price:{sku.id}:{live.id}:{now.isoformat()}", now)


async def _price(
    session: AsyncSession, live: LiveSession | None, item: LineupItem, sku: Sku, source: str, at: datetime
) -> None:
    shown = item.live_price_minor if item.live_price_minor is not None else sku.price_minor
    detail = {"price_minor": shown, "list_price_minor": sku.price_minor, "currency": sku.currency}
    await record(session, live, kind=MomentKind.PRICE, at=at, source_id=source, sku_id=sku.id, detail=detail)
