"""Reservations lapse: an unpaid order past `reserved_until` expires and its units return.

Two paths do it, both through `expire_if_due`: reading the order (so a viewer never sees a stale
hold) and the sweeper below (so units return even if nobody looks). Before expiring, the order's
PaymentIntent is cancelled at Stripe; if Stripe says it already succeeded, the order is left for
the `payment_intent.succeeded` webhook instead — so a paid order is never expired under the buyer.
The sweeper also forgets the contact and address of orders paid more than
`order_personal_data_days` ago (fulfilment is outside Zhixiang; that is the retention we promise)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import close_unpaid, forget_personal_data, lock_order
from broadcast.checkout.gateway import PaymentGateway, PaymentProviderError
from broadcast.checkout.models import Order, OrderState
from broadcast.checkout.states import UNPAID
from server.kernel.clock import utcnow
from server.kernel.periodic import periodic

log = structlog.get_logger("checkout.expiry")
BATCH = 100


def is_due(order: Order) -> bool:
    return order.state in UNPAID and order.reserved_until <= utcnow()


async def _stripe_let_go(gateway: PaymentGateway | None, intent_id: str | None) -> bool:
    """True if the PaymentIntent can no longer take money (cancelled now or before, or none)."""
    if intent_id is None:
        return True
    if gateway is None:
        return False
    try:
        await gateway.cancel_intent(intent_id)
        return True
    except PaymentProviderError:
        intent = await gateway.retrieve_intent(intent_id)
        return intent.status == "canceled"


async def expire_if_due(session: AsyncSession, order_id: str, gateway: PaymentGateway | None) -> bool:
    order = await session.get(Order, order_id)
    if order is None or not is_due(order):
        return False
    if not await _stripe_let_go(gateway, order.payment_intent_id):
        return False  # Stripe has (or may soon have) the money: the webhook decides
    order = await lock_order(session, order_id)
    if order is None or not is_due(order):
        await session.rollback()
        return False
    closed = await close_unpaid(session, order, OrderState.EXPIRED, "reservation_lapsed")
    await session.commit()
    return closed


async def due_order_ids(session: AsyncSession, limit: int = BATCH) -> list[str]:
    stmt = (
        select(Order.id)
        .where(col(Order.state).in_([s.value for s in UNPAID]), Order.reserved_until <= utcnow())
        .order_by(col(Order.reserved_until))
        .limit(limit)
    )
    return list((await session.exec(stmt)).all())


async def sweep(
    maker: async_sessionmaker[AsyncSession], gateway: PaymentGateway | None, personal_data_days: int
) -> int:
    """One pass: expire lapsed reservations, forget old personal data. Returns orders expired."""
    async with maker() as session:
        ids = await due_order_ids(session)
    expired = 0
    for order_id in ids:
        async with maker() as session:
            try:
                expired += await expire_if_due(session, order_id, gateway)
            except Exception as exc:  # one bad order must not stop the others from returning stock
                log.warning("expiry failed", order_id=order_id, error=repr(exc))
    async with maker() as session:
        await forget_old_personal_data(session, personal_data_days)
    return expired


async def forget_old_personal_data(session: AsyncSession, days: int) -> int:
    cutoff = utcnow() - timedelta(days=days)
    stmt = (
        select(Order)
        .where(
            Order.paid_at <= cutoff,  # type: ignore[operator]
            Order.personal_data_cleared_at.is_(None),  # type: ignore[union-attr]
        )
        .limit(BATCH)
    )
    orders = (await session.exec(stmt)).all()
    for order in orders:
        forget_personal_data(order)
        session.add(order)
    await session.commit()
    return len(orders)


async def _sweep_app(app: Any) -> None:
    await sweep(app.state.sessionmaker, app.state.payment_gateway, app.state.settings.order_personal_data_days)


# LIFESPAN: sweep every `order_sweep_interval_s` seconds (0 = off; reads still expire).
sweeper = periodic("order-sweeper", lambda app: app.state.settings.order_sweep_interval_s, _sweep_app)
