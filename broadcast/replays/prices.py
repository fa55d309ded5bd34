"""Price moments, each written in the transaction of the change itself (no event carries a price):
the line-up's prices at the go-live, an item joining the live line-up, each SKU price change."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LineupItem, LiveSession, SessionState, Sku
from broadcast.replays.models import MomentKind
from broadcast.replays.recorder import record
from server.kernel.clock import as_utc, utcnow


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
