"""What a refund does to its order, whichever path reported it (our refund call's answer or Stripe's
webhook): `credit` when Stripe has taken the money back, `undo` when a refund we credited later
fails at Stripe. Both run under the order's row lock in the caller's transaction and emit the event
the commission ledger follows (`OrderRefunded`, `OrderRefundFailed`), so the order and the ledger
move together, once per refund."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states
from broadcast.checkout.models import Order, OrderState, Refund, RefundState
from server.kernel.clock import utcnow
from server.kernel.contracts import OrderRefunded, OrderRefundFailed
from server.kernel.outbox import emit

FAILED_AT_STRIPE = ("failed", "canceled")


def credit(session: AsyncSession, order: Order, refund: Refund, amount_minor: int) -> int:
    """Stripe's amount is what moved, bounded by what is left (the check constraint agrees); the
    amount credited is returned so the caller can flag a disagreement with what was asked."""
    amount = min(amount_minor, order.amount_minor - order.refunded_minor)
    refund.state, refund.amount_minor = RefundState.SUCCEEDED, amount
    refund.completed_at = refund.completed_at or utcnow()
    order.refunded_minor += amount
    target = OrderState.REFUNDED if order.refunded_minor == order.amount_minor else OrderState.PARTIALLY_REFUNDED
    data = {"refund_id": refund.id, "amount_minor": amount, "stripe_refund_id": refund.stripe_refund_id}
    states.move(session, order, target, "refund", data)
    emit(session, OrderRefunded(**_facts(order, refund, amount), refunded_at=refund.completed_at), order.id)
    session.add(refund)
    return amount


def undo(session: AsyncSession, order: Order, refund: Refund, why: str) -> None:
    """A credited refund failed at Stripe (the buyer's bank refused it): the money is the brand's
    again. Nothing is rewritten — the order's history and the ledger get new rows."""
    failed_at = utcnow()
    order.refunded_minor -= refund.amount_minor
    target = OrderState.PAID if order.refunded_minor == 0 else OrderState.PARTIALLY_REFUNDED
    data = {"refund_id": refund.id, "amount_minor": refund.amount_minor, "stripe_refund_id": refund.stripe_refund_id}
    states.move(session, order, target, "refund_failed", data, refund_undone=True)
    order.closed_at = None
    refund.state, refund.failure = RefundState.FAILED, why[:300]
    emit(session, OrderRefundFailed(**_facts(order, refund, refund.amount_minor), failed_at=failed_at), order.id)
    session.add(refund)


def _facts(order: Order, refund: Refund, amount_minor: int) -> dict[str, Any]:
    return {
        "order_id": order.id,
        "refund_id": refund.id,
        "brand_id": order.brand_id,
        "session_id": order.session_id,
        "currency": order.currency,
        "amount_minor": amount_minor,
        "refunded_total_minor": order.refunded_minor,
        "order_amount_minor": order.amount_minor,
    }
