"""What a payment outcome does to an order, in the caller's transaction (the webhook's, which
also records the Stripe event and emits `OrderPaid`). Locks: the order row, then SKU rows by id,
then their counters — the same order as checkout and expiry."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states, stock
from broadcast.checkout.closing import close_unpaid, lines_of, lock_order
from broadcast.checkout.models import Order, OrderState
from broadcast.coupons import redeem
from broadcast.coupons.problems import ClaimNotUsable
from broadcast.models import LineupItem


class Outcome(StrEnum):
    PAID = "paid"
    LATE_PAID = "late_paid"  # paid after the hold lapsed, and the units could be taken again
    REFUND_NEEDED = "refund_needed"  # paid after the hold lapsed, units gone: the money goes back
    RELEASED = "released"
    ALREADY = "already_applied"
    IGNORED = "ignored"
    UNKNOWN_ORDER = "unknown_order"
    MISMATCH = "amount_mismatch"


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    order: Order | None = None


async def find_order(session: AsyncSession, order_id: str | None, intent_id: str) -> Order | None:
    """By the order id in the PaymentIntent's metadata, checked against the intent id we stored."""
    if order_id:
        order = await lock_order(session, order_id)
        if order is not None and order.payment_intent_id in (None, intent_id):
            return order
    found = (await session.exec(select(Order.id).where(Order.payment_intent_id == intent_id))).first()
    return await lock_order(session, found) if found else None


async def apply_success(
    session: AsyncSession, order: Order, intent_id: str, amount_minor: int, currency: str
) -> Applied:
    order.payment_intent_id = order.payment_intent_id or intent_id  # found by metadata before we stored it
    if amount_minor != order.amount_minor or currency.upper() != order.currency:
        states.note(session, order, "payment_amount_mismatch", {"amount_minor": amount_minor, "currency": currency})
        return Applied(Outcome.MISMATCH, order)
    state = OrderState(order.state)
    if state in states.UNPAID:
        await _settle(session, order)
        states.move(session, order, OrderState.PAID, "payment_succeeded")
        return Applied(Outcome.PAID, order)
    if state in (OrderState.CANCELLED, OrderState.EXPIRED):
        return await _late(session, order)
    return Applied(Outcome.ALREADY, order)


async def _settle(session: AsyncSession, order: Order) -> None:
    lines = await lines_of(session, order.id)
    for line in lines:
        await stock.settle(session, order.session_id, stock.Units(line.sku_id, line.quantity))
    await stock.announce(session, order.session_id, [line.sku_id for line in lines])


async def _late(session: AsyncSession, order: Order) -> Applied:
    """Take the units (and the coupon claim the price was computed with) again inside a savepoint;
    if any is gone, nothing is taken and we refund."""
    lines = await lines_of(session, order.id)
    try:
        async with session.begin_nested():
            if order.coupon_claim_id:  # given back at expiry; the buyer may have used it elsewhere since
                await redeem.use(session, order.coupon_claim_id, order.visitor_id, order.id)
            for line in lines:
                units = stock.Units(line.sku_id, line.quantity)
                await stock.reserve(session, order.session_id, units, await _limit(session, order, line.sku_id))
                await stock.settle(session, order.session_id, units)
    except (stock.SoldOut, ClaimNotUsable):
        states.note(session, order, "late_payment_unfulfillable")
        return Applied(Outcome.REFUND_NEEDED, order)
    await stock.announce(session, order.session_id, [line.sku_id for line in lines])
    states.move(session, order, OrderState.PAID, "late_payment")
    return Applied(Outcome.LATE_PAID, order)


async def _limit(session: AsyncSession, order: Order, sku_id: str) -> int | None:
    stmt = select(LineupItem.limited_quantity).where(
        LineupItem.session_id == order.session_id, LineupItem.sku_id == sku_id
    )
    return (await session.exec(stmt)).first()


async def apply_failure(session: AsyncSession, order: Order, reason: str) -> Applied:
    """A failed or cancelled payment gives the units back; a paid order is not touched."""
    if await close_unpaid(session, order, OrderState.CANCELLED, reason):
        return Applied(Outcome.RELEASED, order)
    return Applied(Outcome.IGNORED, order)


__all__ = ["Applied", "Outcome", "apply_failure", "apply_success", "find_order", "lock_order"]
