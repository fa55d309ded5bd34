"""`LatePaymentRejected` → the buyer's money goes back at Stripe, however long Stripe takes to answer.

The webhook that finds a payment it cannot honour (paid after the hold lapsed, units sold since)
emits the event in the same transaction that records the outcome; the outbox then runs this
handler until it succeeds — a Stripe outage delays the refund, it never loses it. Exactly once:
the refund's idempotency key is derived from the order (`order-<id>-late-refund`), so a retry after
a lost answer gets the refund Stripe already made (and Stripe refuses a second full refund of the
same charge anyway); the order's history note commits with the dispatcher's handled-event row."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states
from broadcast.checkout.closing import lock_order
from broadcast.checkout.gateway import PaymentGateway
from server.kernel.contracts import LatePaymentRejected
from server.kernel.outbox import OutboxEvent, emit
from server.kernel.problems import ServiceUnavailable

TOPIC = LatePaymentRejected.TOPIC


async def reject_late_payment(
    session: AsyncSession, order_id: str, intent_id: str, amount_minor: int, currency: str
) -> bool:
    """In the webhook's transaction (the order row locked): the refund becomes a job that outlives
    this request — one per order, however often Stripe reports the payment (new event ids)."""
    stmt = select(OutboxEvent.id).where(OutboxEvent.topic == TOPIC, OutboxEvent.aggregate_id == order_id)
    if (await session.exec(stmt)).first() is not None:
        return False
    event = LatePaymentRejected(
        order_id=order_id, payment_intent_id=intent_id, amount_minor=amount_minor, currency=currency
    )
    emit(session, event, order_id)
    return True


def refund_key(order_id: str) -> str:
    return f"order-{order_id}-late-refund"


async def on_late_payment_rejected(
    session: AsyncSession, event: OutboxEvent, *, payment_gateway: PaymentGateway | None
) -> None:
    """`payment_gateway` is the app's, passed in (bound by the composition root)."""
    p = event.payload
    gateway = payment_gateway
    if gateway is None:  # raise: the event stays pending until payments are configured again
        raise ServiceUnavailable(f"late payment of order {p['order_id']} needs a refund: payments disabled")
    result = await gateway.refund(
        p["payment_intent_id"],
        int(p["amount_minor"]),
        refund_key(p["order_id"]),
        {"order_id": p["order_id"], "reason": "late_payment_unfulfillable"},
    )
    order = await lock_order(session, p["order_id"])
    if order is not None:
        data = {"stripe_refund_id": result.id, "amount_minor": result.amount_minor}
        states.note(session, order, "late_payment_refunded", data)


EVENT_HANDLERS: dict[str, list[Any]] = {TOPIC: [on_late_payment_rejected]}
