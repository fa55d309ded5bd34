"""Price moments: the prices the room showed at the go-live, and each SKU price change during the
live (which emits no event, so it is recorded in the SKU update's own transaction)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LineupItem, LiveSession, SessionState, Sku
from broadcast.replays.models import MomentKind
from broadcast.replays.recorder import record
from server.kernel.clock import utcnow
from server.kernel.contracts import SessionStateChanged
from server.kernel.outbox import OutboxEvent


async def on_went_live(session: AsyncSession, event: OutboxEvent) -> None:
    """The prices the room showed at the go-live: the replay's card starts from them."""
    changed = SessionStateChanged.read(event.payload, event.version)
    if changed.state != SessionState.LIVE:
        return
    live = await session.get(LiveSession, changed.session_id)
    stmt = (
        select(LineupItem, Sku)
        .join(Sku, col(Sku.id) == col(LineupItem.sku_id))
        .where(LineupItem.session_id == changed.session_id)
    )
    for item, sku in (await session.exec(stmt)).all():
        await _price(session, live, item, sku, f"{event.id}:{sku.id}", changed.at)


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
