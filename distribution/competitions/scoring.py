"""`OrderPaid` / `OrderRefunded` → the competitions' own order rows and their live boards; a refund
after a close, under `adjust_bonus`, recomputes the percentage bonus (see `adjust.py`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.competitions.adjust import adjust_after_close
from distribution.competitions.counting import move
from distribution.competitions.models import OrderFlag, PkOrder
from distribution.competitions.ranking import CountedOrder
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent


def _time(value: object) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return utcnow()


def counted(order: PkOrder) -> CountedOrder:
    return CountedOrder(order.order_id, order.partner_id, order.amount_minor, order.refunded_minor)


async def is_flagged(session: AsyncSession, order_id: str) -> bool:
    return await session.get(OrderFlag, order_id) is not None


async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    attribution = payload.get("attribution") or {}
    partner_id = attribution.get("partner_id")
    if not partner_id or await session.get(PkOrder, payload["order_id"]) is not None:
        return
    order = PkOrder(
        order_id=payload["order_id"],
        brand_id=payload["brand_id"],
        session_id=payload.get("session_id"),
        partner_id=partner_id,
        currency=str(payload["currency"]).upper(),
        amount_minor=int(payload["amount_minor"]),
        self_referral=bool(attribution.get("self_referral")),
        paid_at=_time(payload.get("paid_at")),
    )
    session.add(order)
    if not await is_flagged(session, order.order_id):
        await move(session, order, None, counted(order))


async def on_order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    payload = event.payload
    order = await session.get(PkOrder, payload["order_id"], with_for_update=True)
    if order is None:
        return
    total = payload.get("refunded_total_minor")
    refunded = int(total) if total is not None else order.refunded_minor + int(payload["amount_minor"])
    before = counted(order)
    order.refunded_minor = min(order.amount_minor, max(order.refunded_minor, refunded))
    session.add(order)
    if not await is_flagged(session, order.order_id):
        await move(session, order, before, counted(order))
    await adjust_after_close(session, order, str(payload["refund_id"]))
