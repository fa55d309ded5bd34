"""`payment_intent.processing`: the buyer chose a method that confirms later (a bank debit, some
wallets). The order shows "processing" and keeps its stock longer — up to `PROCESSING_HOLD` after
checkout — so the expiry sweeper does not release it under a payment already on its way. It turns
paid only with `payment_intent.succeeded` (or cancelled with `payment_failed`). Past the longer hold,
the sweeper asks Stripe to cancel; a still-processing intent cannot be, and is left to the webhook."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import payments, states
from broadcast.checkout.models import Order, OrderState
from server.payments.handlers import Context, Handled, intent_fields

PROCESSING_HOLD = timedelta(minutes=30)
MARKED, IGNORED = "processing", "ignored"


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    intent_id, order_id, _, _ = intent_fields(intent)
    order = await payments.find_order(session, order_id, intent_id)
    if order is None:
        return Handled(payments.Outcome.UNKNOWN_ORDER.value)
    if order.state != OrderState.PENDING_PAYMENT:
        return Handled(IGNORED)  # already processing, paid or closed: a late or repeated event
    order.payment_intent_id = order.payment_intent_id or intent_id
    order.reserved_until = max(order.reserved_until, hold_until(order))
    states.move(session, order, OrderState.PROCESSING, "payment_processing", {"payment_intent": intent_id})
    return Handled(MARKED)


def hold_until(order: Order) -> datetime:
    """At most `PROCESSING_HOLD` from checkout: a slow method cannot hold stock indefinitely."""
    return order.created_at + PROCESSING_HOLD
