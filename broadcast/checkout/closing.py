"""Closing an unpaid order (cancelled, expired, payment failed): its held units go back, its
personal data goes away, its coupon claim (if any) is the buyer's to use again, and the room
hears the stock change — all in the caller's transaction; the stock gate gets the units back
once that transaction commits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states, stock
from broadcast.checkout.gate import GiveBack, Line, give_back_after_commit
from broadcast.checkout.models import Order, OrderLine, OrderState
from broadcast.coupons import redeem
from server.kernel.clock import utcnow


async def lock_order(session: AsyncSession, order_id: str) -> Order | None:
    """The order row first, always: every path that changes an order and its stock starts here."""
    stmt = select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    return (await session.exec(stmt)).first()


async def lines_of(session: AsyncSession, order_id: str) -> Sequence[OrderLine]:
    stmt = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.sku_id)
    return (await session.exec(stmt)).all()


def forget_personal_data(order: Order) -> None:
    order.contact_name = order.contact_email = order.contact_phone = order.shipping_address = None
    order.client_address = None
    order.personal_data_cleared_at = utcnow()


async def close_unpaid(
    session: AsyncSession, order: Order, target: OrderState, reason: str, data: dict[str, Any] | None = None
) -> bool:
    """`order` must be locked (`lock_order`). False if it was no longer waiting for payment."""
    if order.state not in states.UNPAID:
        return False
    if order.coupon_claim_id:  # before the SKUs, the order checkout takes them in
        await redeem.give_back(session, order.coupon_claim_id, order.id)
    lines = await lines_of(session, order.id)
    for line in lines:
        await stock.release(session, order.session_id, stock.Units(line.sku_id, line.quantity))
    # The one place units go back (expiry, cancellation, failed payment): the gate follows the commit.
    back = [Line(line.sku_id, line.quantity) for line in lines]
    give_back_after_commit(session, GiveBack(order.session_id, order.visitor_id, order.idempotency_key, back))
    forget_personal_data(order)
    states.move(session, order, target, reason, data)
    await stock.announce(session, order.session_id, [line.sku_id for line in lines])
    return True
