"""Outbox consumers that record the live's moments for its replay (see `recorder`)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import LiveSession
from broadcast.moments import record
from broadcast.replays.models import MomentKind
from server.kernel.contracts import CouponDropped, SkuPinned, StockChanged
from server.kernel.outbox import OutboxEvent


async def on_sku_pinned(session: AsyncSession, event: OutboxEvent) -> None:
    pinned = SkuPinned.read(event.payload, event.version)
    live = await session.get(LiveSession, pinned.session_id)
    await record(session, live, kind=MomentKind.PIN, at=pinned.at, source_id=event.id, sku_id=pinned.sku_id)


async def on_coupon_dropped(session: AsyncSession, event: OutboxEvent) -> None:
    dropped = CouponDropped.read(event.payload, event.version)
    live = await session.get(LiveSession, dropped.session_id)
    detail = {"coupon_id": dropped.coupon_id, "title": dropped.title, "label": dropped.label}
    await record(session, live, kind=MomentKind.COUPON, at=dropped.dropped_at, source_id=event.id, detail=detail)


async def on_stock_changed(session: AsyncSession, event: OutboxEvent) -> None:
    """Only the sell-out is a moment; the event carries no time, so its row's creation is it."""
    stock = StockChanged.read(event.payload, event.version)
    if stock.stock > 0:
        return
    live = await session.get(LiveSession, stock.session_id)
    await record(session, live, kind=MomentKind.SOLD_OUT, at=event.created_at, source_id=event.id, sku_id=stock.sku_id)


EVENT_HANDLERS: dict[str, list[Any]] = {
    "SkuPinned": [on_sku_pinned],
    "CouponDropped": [on_coupon_dropped],
    "StockChanged": [on_stock_changed],
}
