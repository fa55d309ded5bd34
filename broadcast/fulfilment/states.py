"""The order's fulfilment state machine, beside its payment state (`checkout.states`): which step
may follow which, and the history row each step writes. A step needs a paid order (paid or partly
refunded): a fully refunded, cancelled or unpaid order never ships, delivers or completes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderEvent, OrderState
from broadcast.fulfilment.models import Fulfilment
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.problems import IllegalTransition

F = Fulfilment
ALLOWED: dict[Fulfilment, frozenset[Fulfilment]] = {
    F.UNSHIPPED: frozenset({F.PARTIALLY_SHIPPED, F.SHIPPED}),
    F.PARTIALLY_SHIPPED: frozenset({F.PARTIALLY_SHIPPED, F.SHIPPED}),
    F.SHIPPED: frozenset({F.DELIVERED}),
    F.DELIVERED: frozenset({F.COMPLETED}),
    F.COMPLETED: frozenset(),
}
PAID_STATES = (OrderState.PAID, OrderState.PARTIALLY_REFUNDED)


def check(order: Order, target: Fulfilment) -> None:
    """409 with the reason when the order may not take this step."""
    if order.state not in PAID_STATES:
        raise IllegalTransition(
            f"a {order.state} order cannot become {target.value}: only a paid order is fulfilled",
            extra={"from": order.fulfilment, "to": target.value, "payment_state": order.state},
        )
    current = Fulfilment(order.fulfilment)
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "nothing (it is final)"
        raise IllegalTransition(
            f"a {current.value} order cannot become {target.value}; it may go to: {allowed}",
            extra={"from": current.value, "to": target.value},
        )


def move(
    session: AsyncSession,
    order: Order,
    target: Fulfilment,
    reason: str,
    due_at: datetime | None,
    data: dict[str, Any] | None = None,
) -> datetime:
    """Take the step in the caller's transaction, stamp its time, append the history row."""
    check(order, target)
    now, current = utcnow(), order.fulfilment
    order.fulfilment, order.fulfilment_due_at, order.updated_at = target.value, due_at, now
    if target in (F.PARTIALLY_SHIPPED, F.SHIPPED):
        order.shipped_at = now
    elif target is F.DELIVERED:
        order.delivered_at = now
    elif target is F.COMPLETED:
        order.completed_at = now
    history = {"track": "fulfilment", **(data or {})}
    event = OrderEvent(
        id=new_id("ore"),
        order_id=order.id,
        from_state=current,
        to_state=target.value,
        reason=reason,
        data=history,
        at=now,
    )
    session.add_all([order, event])
    return now
