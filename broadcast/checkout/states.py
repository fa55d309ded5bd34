"""The order's state machine. Every change goes through `move`, which checks it and records it."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderEvent, OrderState
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.problems import IllegalTransition

S = OrderState
ALLOWED: dict[OrderState, frozenset[OrderState]] = {
    S.PENDING_PAYMENT: frozenset({S.PROCESSING, S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PROCESSING: frozenset({S.PAID, S.CANCELLED, S.EXPIRED}),
    S.PAID: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.REFUNDED: frozenset(),
    # A payment Stripe reports after we gave the stock back is honoured if the stock can be taken
    # again (`payments.settle_late_payment`); otherwise the money is refunded and the order stays closed.
    S.CANCELLED: frozenset({S.PAID}),
    S.EXPIRED: frozenset({S.PAID}),
}
UNPAID = (S.PENDING_PAYMENT, S.PROCESSING)  # stock held, waiting for Stripe
OPEN_STATES = (S.PENDING_PAYMENT, S.PROCESSING, S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED)  # count toward buyer limits


def check(current: OrderState, target: OrderState) -> None:
    if target not in ALLOWED[current]:
        allowed = ", ".join(sorted(s.value for s in ALLOWED[current])) or "nothing (it is final)"
        raise IllegalTransition(
            f"a {current.value} order cannot become {target.value}; it may go to: {allowed}",
            extra={"from": current.value, "to": target.value},
        )


# Only a refund that fails at Stripe after it was credited (`refund_effects.undo`) walks back: kept
# out of ALLOWED so no ordinary path can reopen a refunded order.
REFUND_UNDONE: dict[OrderState, frozenset[OrderState]] = {
    S.PARTIALLY_REFUNDED: frozenset({S.PAID, S.PARTIALLY_REFUNDED}),
    S.REFUNDED: frozenset({S.PAID, S.PARTIALLY_REFUNDED}),
}


def move(
    session: AsyncSession,
    order: Order,
    target: OrderState,
    reason: str,
    data: dict[str, Any] | None = None,
    refund_undone: bool = False,
) -> OrderEvent:
    """Change the order's state in the caller's transaction and append the history row."""
    current = OrderState(order.state)
    if not (refund_undone and target in REFUND_UNDONE.get(current, frozenset())):
        check(current, target)
    now = utcnow()
    order.state, order.updated_at = target, now
    if target is S.PAID:
        order.paid_at = now
    if target in (S.CANCELLED, S.EXPIRED, S.REFUNDED):
        order.closed_at = now
    event = OrderEvent(
        id=new_id("ore"),
        order_id=order.id,
        from_state=current.value,
        to_state=target.value,
        reason=reason,
        data=data or {},
        at=now,
    )
    session.add_all([order, event])
    return event


def created(session: AsyncSession, order: Order) -> None:
    session.add(
        OrderEvent(
            id=new_id("ore"),
            order_id=order.id,
            from_state=None,
            to_state=OrderState.PENDING_PAYMENT.value,
            reason="checkout",
            at=order.created_at,
        )
    )


def note(session: AsyncSession, order: Order, reason: str, data: dict[str, Any] | None = None) -> None:
    """A history row without a state change (e.g. a late payment that could not be honoured)."""
    session.add(
        OrderEvent(
            id=new_id("ore"),
            order_id=order.id,
            from_state=order.state,
            to_state=order.state,
            reason=reason,
            data=data or {},
            at=utcnow(),
        )
    )
