"""Delivery and completion. Delivered when the buyer confirms receipt or `auto_delivery_days` after
shipping; completed when the return window (`return_window_days` after delivery) has passed and no
after-sales request is open — an open one keeps the order delivered until it is decided and done."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order
from broadcast.fulfilment import states
from broadcast.fulfilment.models import OPEN_AFTERSALE, Aftersale, Fulfilment
from broadcast.models import Brand
from broadcast.services.brands import brand_settings
from server.kernel.clock import utcnow
from server.kernel.contracts import OrderCompleted, OrderDelivered
from server.kernel.outbox import emit
from server.kernel.problems import Conflict


class AftersaleOpen(Conflict):
    slug, title = "aftersale-open", "An after-sales request of this order is still open"


async def deliver(session: AsyncSession, order: Order, by: Literal["buyer", "auto"]) -> None:
    """Mark the locked order delivered in the caller's transaction; completion is then due."""
    states.check(order, Fulfilment.DELIVERED)
    brand = await session.get(Brand, order.brand_id)
    assert brand is not None
    window_ends = utcnow() + timedelta(days=brand_settings(brand).return_window_days)
    at = states.move(session, order, Fulfilment.DELIVERED, f"delivered_by_{by}", window_ends)
    emit(
        session,
        OrderDelivered(
            order_id=order.id, brand_id=order.brand_id, by=by, delivered_at=at, return_window_ends_at=window_ends
        ),
        order.id,
    )


async def open_aftersales(session: AsyncSession, order_id: str) -> int:
    stmt = select(sa.func.count()).where(
        Aftersale.order_id == order_id, col(Aftersale.state).in_([s.value for s in OPEN_AFTERSALE])
    )
    return int((await session.exec(stmt)).one())


async def complete(session: AsyncSession, order: Order) -> None:
    """Complete the locked, delivered order whose return window has passed (the caller commits)."""
    states.check(order, Fulfilment.COMPLETED)
    if order.fulfilment_due_at is None or order.fulfilment_due_at > utcnow():
        raise Conflict(f"order {order.id}'s return window is still open", extra={"until": str(order.fulfilment_due_at)})
    if await open_aftersales(session, order.id):
        raise AftersaleOpen(f"order {order.id} has an open after-sales request")
    at = states.move(session, order, Fulfilment.COMPLETED, "return_window_passed", None)
    event = OrderCompleted(
        order_id=order.id,
        brand_id=order.brand_id,
        session_id=order.session_id,
        currency=order.currency,
        amount_minor=order.amount_minor,
        refunded_minor=order.refunded_minor,
        completed_at=at,
    )
    emit(session, event, order.id)
