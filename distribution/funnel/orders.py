"""`OrderPaid` → the funnel's order rows (orders, GMV) for the partner the order was attributed to,
and the kept order groups with them; the session's funnel is announced changed after the commit."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.funnel.changes import FunnelChanges, bump_after_commit
from distribution.funnel.kept import GroupKey, add_to_groups, group_key
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


async def on_order_refunded(
    session: AsyncSession, event: OutboxEvent, *, funnel_changes: FunnelChanges | None = None
) -> None:
    """Refunds lower the funnel's GMV and estimate; the dispatcher delivers each event once. The
    row is locked: two refunds of one order handled at once must not both move it from one group."""
    order = await session.get(FunnelOrder, event.payload["order_id"], with_for_update=True)
    if order is None:
        return
    total = event.payload.get("refunded_total_minor")  # the contract's running total; else add this refund
    refunded = int(total) if total is not None else order.refunded_minor + int(event.payload["amount_minor"])
    before = order.amount_minor - order.refunded_minor
    order.refunded_minor = min(order.amount_minor, max(order.refunded_minor, refunded))
    session.add(order)
    moved: Counter[GroupKey] = Counter()
    if (old := group_key(order, before)) is not None and before != order.amount_minor - order.refunded_minor:
        moved[old] -= 1
        moved[group_key(order, order.amount_minor - order.refunded_minor) or old] += 1
    await add_to_groups(session, moved)
    bump_after_commit(session, funnel_changes, [order.session_id or ""])


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


async def on_orders_paid(
    session: AsyncSession, events: Sequence[OutboxEvent], *, funnel_changes: FunnelChanges | None = None
) -> None:
    """The attributed orders not seen yet become funnel rows and join their groups: one read, one
    insert, per batch."""
    attributed = {
        e.payload["order_id"]: e.payload for e in events if (e.payload.get("attribution") or {}).get("partner_id")
    }
    if not attributed:
        return
    seen_q = select(FunnelOrder.order_id).where(col(FunnelOrder.order_id).in_(list(attributed)))
    seen = set((await session.exec(seen_q)).all())
    new = [_funnel_order(payload) for order_id, payload in attributed.items() if order_id not in seen]
    session.add_all(new)
    await add_to_groups(session, Counter(k for o in new if (k := group_key(o, o.amount_minor)) is not None))
    bump_after_commit(session, funnel_changes, [o.session_id or "" for o in new])


@batched(on_orders_paid)
async def on_order_paid(
    session: AsyncSession, event: OutboxEvent, *, funnel_changes: FunnelChanges | None = None
) -> None:
    await on_orders_paid(session, [event], funnel_changes=funnel_changes)
