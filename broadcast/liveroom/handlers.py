"""Outbox events that change what the room shows. The dispatcher delivers each once per handler;
a redelivery after a crash publishes again with a new seq, which clients apply idempotently
(the events carry absolute values). The room is passed in (`room`, bound by the composition root;
None in a process with no live room, e.g. the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.runtime import LiveRoom
from server.kernel.contracts import (
    CartItemAdded,
    OrderPaid,
    PkStandingsChanged,
    SessionStateChanged,
    SkuPinned,
    StockChanged,
)
from server.kernel.outbox import OutboxEvent, batched


async def _publish(room: LiveRoom | None, session_id: str, body: dict[str, Any]) -> None:
    if room is not None:  # e.g. a CLI process has no live room to publish from
        await room.publish(session_id, body)


async def on_sku_pinned(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    pinned = SkuPinned.read(event.payload, event.version)
    await _publish(room, pinned.session_id, {"type": "pin", "sku_id": pinned.sku_id})


async def on_session_state_changed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    changed = SessionStateChanged.read(event.payload, event.version)
    await _publish(room, changed.session_id, {"type": "state", "state": changed.state, "at": changed.at.isoformat()})


async def on_stock_changed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    stock = StockChanged.read(event.payload, event.version)
    body = {"type": "stock", "sku_id": stock.sku_id, "stock": stock.stock, "sold": stock.sold}
    await _publish(room, stock.session_id, body)


async def on_cart_item_added(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    added = CartItemAdded.read(event.payload, event.version)
    if room is not None:
        await room.store.cart(added.session_id, added.sku_id, added.quantity, added.ref)


def _sold(orders: Sequence[OrderPaid]) -> dict[str, dict[str, int]]:
    """Quantities sold per session and SKU, summed over the orders."""
    sold: dict[str, dict[str, int]] = {}
    for order in orders:
        quantities = sold.setdefault(order.session_id, {})
        for line in order.lines:
            quantities[line.sku_id] = quantities.get(line.sku_id, 0) + line.quantity
    return sold


async def on_orders_paid(session: AsyncSession, events: Sequence[OutboxEvent], *, room: LiveRoom | None) -> None:
    """A batch: one counter update per room, whatever the number of orders."""
    if room is not None:
        for session_id, quantities in _sold([OrderPaid.read(e.payload, e.version) for e in events]).items():
            await room.store.add_orders(session_id, quantities)


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    await on_orders_paid(session, [event], room=room)


async def on_group_changed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    """A group-buy opened, gained or lost seats, filled or expired (absolute values)."""
    if event.payload.get("session_id"):
        await _publish(room, event.payload["session_id"], {"type": "group", "event": event.topic, **event.payload})


async def on_pk_standings_changed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    """A competition of this session changed its top: the room shows it (`pk`). Distribution tells
    the room through this event and never writes into the room itself."""
    standings = PkStandingsChanged.read(event.payload, event.version)
    await _publish(
        room, standings.session_id, {"type": "pk", **standings.model_dump(mode="json", exclude={"session_id"})}
    )


EVENT_HANDLERS: dict[str, list[Any]] = {
    "SkuPinned": [on_sku_pinned],
    "SessionStateChanged": [on_session_state_changed],
    "StockChanged": [on_stock_changed],
    "CartItemAdded": [on_cart_item_added],
    "OrderPaid": [on_order_paid],
    "PkStandingsChanged": [on_pk_standings_changed],
    **{topic: [on_group_changed] for topic in ("GroupOpened", "GroupSeatsChanged", "GroupFilled", "GroupExpired")},
}
