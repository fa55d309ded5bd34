"""`payment_intent.requires_action`: the buyer's bank asks for 3-D Secure, or a wallet for a scan
(WeChat Pay, Alipay). Stripe.js on the buyer's page handles it; the order keeps waiting with its
stock held, and the step is recorded in the order's history for support."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import payments, states
from broadcast.checkout.models import OrderState
from server.payments.handlers import Context, Handled, intent_fields

NOTED, IGNORED = "noted", "ignored"


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    intent_id, order_id, _, _ = intent_fields(intent)
    order = await payments.find_order(session, order_id, intent_id)
    if order is None:
        return Handled(payments.Outcome.UNKNOWN_ORDER.value)
    if order.state != OrderState.PENDING_PAYMENT:
        return Handled(IGNORED)
    action = (intent.get("next_action") or {}).get("type")
    states.note(session, order, "payment_requires_action", {"payment_intent": intent_id, "action": action})
    return Handled(NOTED)
