"""`OrderPaid` → the funnel's order rows (orders, GMV) for the partner the order was attributed to."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.funnel.ended_cache import ended_cache
from distribution.models import FunnelOrder
from server.kernel.clock import as_utc, utcnow
from server.kernel.outbox import OutboxEvent, batched


def buyer_tag(visitor_id: str | None, order_id: str) -> str:
    """What a partner may see of a buyer: a short stable tag, never a name, phone or email."""
    return "buyer·" + hashlib.sha256((visitor_id or order_id).encode()).hexdigest()[:4]


def _paid_at(value: object) -> datetime:
    try:
        return as_utc(datetime.fromisoformat(str(value)))
    except ValueError:
        return utcnow()


async def on_order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    """Refunds lower the funnel's GMV and estimate; the dispatcher delivers each event once."""
    order = await session.get(FunnelOrder, event.payload["order_id"])
    if order is None:
        return
    total = event.payload.get("refunded_total_minor")  # the contract's running total; else add this refund
    refunded = int(total) if total is not None else order.refunded_minor + int(event.payload["amount_minor"])
    order.refunded_minor = min(order.amount_minor, max(order.refunded_minor, refunded))
    session.add(order)
    if order.session_id:
        ended_cache.drop_session(order.session_id)  # an ended session's funnel changes with its refunds


def _funnel_order(payload: dict[str, Any]) -> FunnelOrder:
    attribution = payload.get("attribution") or {}
    return FunnelOrder(
        order_id=payload["order_id"],
        brand_id=payload["brand_id"],
        session_id=payload.get("session_id"),
        partner_id=attribution["partner_id"],
        link_id=attribution.get("link_id"),
        amount_minor=int(payload["amount_minor"]),
        currency=payload["currency"],
        earns=bool(attribution.get("earns", not attribution.get("self_referral", False))),
        buyer_tag=buyer_tag(payload.get("visitor_id"), payload["order_id"]),
        paid_at=_paid_at(payload.get("paid_at")),
    )


async def on_orders_paid(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    """The attributed orders not seen yet become funnel rows: one read, one insert, per batch."""
    attributed = {
        e.payload["order_id"]: e.payload for e in events if (e.payload.get("attribution") or {}).get("partner_id")
    }
    if not attributed:
        return
    seen_q = select(FunnelOrder.order_id).where(col(FunnelOrder.order_id).in_(list(attributed)))
    seen = set((await session.exec(seen_q)).all())
    session.add_all([_funnel_order(payload) for order_id, payload in attributed.items() if order_id not in seen])


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    await on_orders_paid(session, [event])
