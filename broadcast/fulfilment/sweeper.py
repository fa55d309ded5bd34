"""The automatic steps, run by a periodic job on the injected clock (`server.kernel.clock`): shipped
orders past their auto-delivery time are delivered, delivered orders past their return window with
no open request are completed, requests the brand left past `auto_approve_at` are approved, and
approved refunds that failed at Stripe are tried again. Each order in its own transaction: one
that fails is logged and left for the next pass."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.gateway import PaymentGateway
from broadcast.checkout.models import Order
from broadcast.fulfilment import decisions, progress
from broadcast.fulfilment.models import Aftersale, AftersaleState, Fulfilment
from broadcast.fulfilment.states import PAID_STATES
from server.kernel.clock import utcnow
from server.kernel.periodic import periodic

log = structlog.get_logger("fulfilment.sweeper")
BATCH = 200
Step = Callable[[AsyncSession, str], Awaitable[bool]]


@dataclass
class SweepResult:
    delivered: int = 0
    completed: int = 0
    approved: int = 0
    refunded: int = 0


async def _due_orders(session: AsyncSession, fulfilment: Fulfilment) -> list[str]:
    stmt = (
        select(Order.id)
        .where(Order.fulfilment == fulfilment.value, col(Order.fulfilment_due_at) <= utcnow())
        .order_by(col(Order.fulfilment_due_at))
        .limit(BATCH)
    )
    return list((await session.exec(stmt)).all())


async def _deliver(session: AsyncSession, order_id: str) -> bool:
    order = await lock_order(session, order_id)
    if order is None or order.fulfilment != Fulfilment.SHIPPED or order.state not in PAID_STATES:
        return False
    await progress.deliver(session, order, "auto")
    return True


async def _complete(session: AsyncSession, order_id: str) -> bool:
    order = await lock_order(session, order_id)
    if order is None or order.fulfilment != Fulfilment.DELIVERED or order.state not in PAID_STATES:
        return False
    if await progress.open_aftersales(session, order_id):
        return False  # completes on a later pass, once the request is done
    await progress.complete(session, order)
    return True


async def _each(maker: async_sessionmaker[AsyncSession], ids: list[str], step: Step) -> int:
    done = 0
    for ident in ids:
        async with maker() as session:
            try:
                if await step(session, ident):
                    await session.commit()
                    done += 1
            except Exception as exc:  # one bad order must not hold back the others
                log.warning("fulfilment step failed", id=ident, step=step.__name__, error=repr(exc))
    return done


async def sweep(maker: async_sessionmaker[AsyncSession], gateway: PaymentGateway | None) -> SweepResult:
    result = SweepResult()
    async with maker() as session:
        shipped = await _due_orders(session, Fulfilment.SHIPPED)
    result.delivered = await _each(maker, shipped, _deliver)
    result.approved, result.refunded = await _aftersales(maker, gateway)
    async with maker() as session:
        delivered = await _due_orders(session, Fulfilment.DELIVERED)
    result.completed = await _each(maker, delivered, _complete)
    return result


async def _aftersales(maker: async_sessionmaker[AsyncSession], gateway: PaymentGateway | None) -> tuple[int, int]:
    async with maker() as session:
        stmt = select(Aftersale.id).where(
            Aftersale.state == AftersaleState.REQUESTED, col(Aftersale.auto_approve_at) <= utcnow()
        )
        due = list((await session.exec(stmt.limit(BATCH))).all())
    approved = await _each(maker, due, _auto_approve)
    async with maker() as session:
        waiting = (
            await session.exec(select(Aftersale).where(Aftersale.state == AftersaleState.APPROVED).limit(BATCH))
        ).all()
        to_refund = [a.id for a in waiting if decisions.refund_is_due(a)]
    refunded = 0
    for aftersale_id in to_refund:
        async with maker() as session:
            try:
                await decisions.refund(session, gateway, aftersale_id, "auto")
                refunded += 1
            except Exception as exc:  # Stripe away, payments off: the next pass tries again
                log.warning("after-sales refund failed", id=aftersale_id, error=repr(exc))
    return approved, refunded


async def _auto_approve(session: AsyncSession, aftersale_id: str) -> bool:
    aftersale, order = await decisions.locked(session, aftersale_id, None)
    if aftersale.state != AftersaleState.REQUESTED:
        return False
    await decisions.auto_approve(session, aftersale, order)
    return True


async def _sweep_app(app: Any) -> None:
    await sweep(app.state.sessionmaker, getattr(app.state, "payment_gateway", None))


# LIFESPAN: every `fulfilment_sweep_interval_s` seconds (0 = off; tests drive `sweep`).
fulfilment_sweeper = periodic(
    "fulfilment-sweeper", lambda app: app.state.settings.fulfilment_sweep_interval_s, _sweep_app
)
