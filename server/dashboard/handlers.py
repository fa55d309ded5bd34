"""Outbox consumers that keep the per-minute series right after the room's sampler stops: a
session that ends gets all its flows recomputed (so its report is ready at once), and a payment
or refund that lands later (a slow webhook, a refund the next day) recomputes its own minute (a
payment) or its minute on (a refund)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import SessionState
from server.dashboard import minutes
from server.kernel.contracts import OrderPaid, OrderRefunded, SessionStateChanged
from server.kernel.outbox import OutboxEvent, batched


async def on_session_state_changed(session: AsyncSession, event: OutboxEvent) -> None:
    changed = SessionStateChanged.read(event.payload, event.version)
    if changed.state == SessionState.ENDED:
        await minutes.rebuild(session, changed.session_id)


async def on_orders_paid(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    """The minutes the batch's payments fell in get their orders and GMV recounted, per session."""
    paid_at: dict[str, list[datetime]] = {}
    for event in events:
        paid = OrderPaid.read(event.payload, event.version)
        paid_at.setdefault(paid.session_id, []).append(paid.paid_at)
    for session_id, times in paid_at.items():
        await minutes.recount_paid(session, session_id, times)


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    await on_orders_paid(session, [event])


async def on_order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    refunded = OrderRefunded.read(event.payload, event.version)
    await minutes.rebuild(session, refunded.session_id, since=refunded.refunded_at)


EVENT_HANDLERS: dict[str, list[Any]] = {
    "SessionStateChanged": [on_session_state_changed],
    "OrderPaid": [on_order_paid],
    "OrderRefunded": [on_order_refunded],
}
