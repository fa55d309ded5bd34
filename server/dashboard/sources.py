"""Reads of the tables the dashboard's figures come from: orders and their refunds, clicks,
comments, cart adds (the `CartItemAdded` outbox events) and pins. Each returns plain values, so
the per-minute series and the headline figures are computed from the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import CartItem, Order, OrderLine, Refund, RefundState
from broadcast.liveroom.models import RoomComment
from broadcast.models import PinEvent
from distribution.models import Click
from server.kernel.clock import as_utc
from server.kernel.contracts import CartItemAdded
from server.kernel.outbox import OutboxEvent


@dataclass(frozen=True)
class RefundRow:
    order_id: str
    amount_minor: int
    at: datetime


async def paid_orders(db: AsyncSession, session_id: str, since: datetime | None = None) -> Sequence[Order]:
    """Every order of the session that was ever paid (refunded ones included: refunds are netted)."""
    stmt = select(Order).where(Order.session_id == session_id, col(Order.paid_at).is_not(None))
    if since is not None:
        stmt = stmt.where(col(Order.paid_at) >= since)
    return (await db.exec(stmt)).all()


async def paid_in_minute(db: AsyncSession, session_id: str, minute: datetime) -> tuple[int, int]:
    """(orders, amount) of the session's orders paid in [minute, minute + 1 min), counted in SQL."""
    paid_at = col(Order.paid_at)
    stmt = select(func.count(), func.coalesce(func.sum(Order.amount_minor), 0)).where(
        Order.session_id == session_id, paid_at >= minute, paid_at < minute + timedelta(minutes=1)
    )
    count, amount = (await db.exec(stmt)).one()
    return int(count), int(amount)


async def lines_of(db: AsyncSession, order_ids: list[str]) -> Sequence[OrderLine]:
    if not order_ids:
        return []
    return (await db.exec(select(OrderLine).where(col(OrderLine.order_id).in_(order_ids)))).all()


async def refunds(db: AsyncSession, session_id: str, since: datetime | None = None) -> list[RefundRow]:
    """Refunds that went through (a pending or failed one has not lowered GMV)."""
    stmt = (
        select(Refund)
        .join(Order, col(Order.id) == Refund.order_id)
        .where(Order.session_id == session_id, Refund.state == RefundState.SUCCEEDED)
    )
    rows = [
        RefundRow(r.order_id, r.amount_minor, as_utc(r.completed_at or r.created_at))
        for r in (await db.exec(stmt)).all()
    ]
    return [r for r in rows if since is None or r.at >= since]


async def click_times(db: AsyncSession, session_id: str, since: datetime | None = None) -> list[datetime]:
    """Counted clicks only: neither bots nor the same visitor again within the de-duplication window."""
    stmt = select(Click.clicked_at).where(
        Click.session_id == session_id, col(Click.is_bot).is_(False), col(Click.is_duplicate).is_(False)
    )
    if since is not None:
        stmt = stmt.where(col(Click.clicked_at) >= since)
    return [as_utc(at) for at in (await db.exec(stmt)).all()]


async def comment_times(db: AsyncSession, session_id: str, since: datetime | None = None) -> list[datetime]:
    """Every comment said, removed ones included (they were said)."""
    stmt = select(RoomComment.created_at).where(RoomComment.session_id == session_id)
    if since is not None:
        stmt = stmt.where(col(RoomComment.created_at) >= since)
    return [as_utc(at) for at in (await db.exec(stmt)).all()]


async def cart_adds(db: AsyncSession, session_id: str, since: datetime | None = None) -> list[tuple[datetime, int]]:
    """(when, units) of every add to a cart, from the events the cart wrote with it."""
    stmt = select(OutboxEvent).where(OutboxEvent.topic == CartItemAdded.TOPIC, OutboxEvent.aggregate_id == session_id)
    if since is not None:
        stmt = stmt.where(col(OutboxEvent.created_at) >= since)
    rows = (await db.exec(stmt)).all()
    return [(as_utc(e.created_at), CartItemAdded.read(e.payload, e.version).quantity) for e in rows]


async def carting_visitors(db: AsyncSession, session_id: str) -> set[str]:
    """Visitors who put something in a cart: lines still in a cart, or turned into an order at
    checkout (which empties the cart)."""
    in_cart = select(CartItem.visitor_id).where(CartItem.session_id == session_id).distinct()
    ordered = select(Order.visitor_id).where(Order.session_id == session_id).distinct()
    return set((await db.exec(in_cart)).all()) | set((await db.exec(ordered)).all())


async def pins(db: AsyncSession, session_id: str) -> Sequence[PinEvent]:
    stmt = select(PinEvent).where(PinEvent.session_id == session_id).order_by(col(PinEvent.pinned_at), col(PinEvent.id))
    return (await db.exec(stmt)).all()
