"""`OrderCompleted` → under `release_on: completion` the order's commission, pending until now,
is due for release at once (the release job moves it to *available*). An order released by days
is unchanged: its completion only records the time.

Completion comes days after payment, so the order's accrual is there unless its `OrderPaid`
consumer is failing; then this consumer fails too and backs off until the accrual exists."""

from __future__ import annotations

from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import OrderCommission
from server.kernel.clock import as_utc
from server.kernel.contracts import OrderCompleted
from server.kernel.outbox import OutboxEvent


class AccrualMissing(RuntimeError):
    """Completed before its accrual: retried by the dispatcher's backoff."""


async def on_order_completed(session: AsyncSession, event: OutboxEvent) -> None:
    completed = OrderCompleted.read(event.payload, event.version)
    order = await session.get(OrderCommission, completed.order_id, with_for_update=True)
    if order is None:
        raise AccrualMissing(f"order {completed.order_id} completed before its commission was accrued")
    mark_completed(order, as_utc(completed.completed_at))
    session.add(order)


def mark_completed(order: OrderCommission, at: datetime) -> None:
    if order.completed_at is not None:
        return  # a replay
    order.completed_at = at
    if order.release_on == "completion" and order.released_at is None:
        order.hold_until = at
