"""Outbox events that change what the room shows. The dispatcher delivers each once per handler;
a redelivery after a crash publishes again with a new seq, which clients apply idempotently
(the events carry absolute values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom import runtime
from server.kernel.outbox import OutboxEvent, batched


async def _publish(session_id: str, body: dict[str, Any]) -> None:
    room = runtime.current()
    if room is not None:  # e.g. a CLI process has no live room to publish from
        await room.publish(session_id, body)


async def on_sku_pinned(session: AsyncSession, event: OutboxEvent) -> None:
    p = event.payload
    await _publish(p["session_id"], {"type": "pin", "sku_id": p.get("sku_id")})


async def on_session_state_changed(session: AsyncSession, event: OutboxEvent) -> None:
    p = event.payload
    await _publish(p["session_id"], {"type": "state", "state": p["state"]})


async def on_stock_changed(session: AsyncSession, event: OutboxEvent) -> None:
    p = event.payload
    await _publish(
        p["session_id"],
        {"type": "stock", "sku_id": p["sku_id"], "stock": int(p["stock"]), "sold": int(p.get("sold") or 0)},
    )


async def on_cart_item_added(session: AsyncSession, event: OutboxEvent) -> None:
    p, room = event.payload, runtime.current()
    if room is not None:
        await room.store.cart(p["session_id"], p["sku_id"], int(p.get("quantity") or 1), p.get("ref"))


def _sold(payloads: Sequence[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Quantities sold per session and SKU, summed over the orders."""
    sold: dict[str, dict[str, int]] = {}
    for p in payloads:
        if p.get("session_id"):
            quantities = sold.setdefault(p["session_id"], {})
            for line in p.get("lines") or []:
                quantities[line["sku_id"]] = quantities.get(line["sku_id"], 0) + int(line.get("quantity") or 0)
    return sold


async def on_orders_paid(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    """A batch: one counter update per room, whatever the number of orders."""
    room = runtime.current()
    if room is not None:
        for session_id, quantities in _sold([event.payload for event in events]).items():
            await room.store.add_orders(session_id, quantities)


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    await on_orders_paid(session, [event])


async def on_group_changed(session: AsyncSession, event: OutboxEvent) -> None:
    """A group-buy opened, gained or lost seats, filled or expired (absolute values)."""
    if event.payload.get("session_id"):
        await _publish(event.payload["session_id"], {"type": "group", "event": event.topic, **event.payload})


EVENT_HANDLERS: dict[str, list[Any]] = {
    "SkuPinned": [on_sku_pinned],
    "SessionStateChanged": [on_session_state_changed],
    "StockChanged": [on_stock_changed],
    "CartItemAdded": [on_cart_item_added],
    "OrderPaid": [on_order_paid],
    **{topic: [on_group_changed] for topic in ("GroupOpened", "GroupSeatsChanged", "GroupFilled", "GroupExpired")},
}
