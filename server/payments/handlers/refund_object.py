"""A Stripe refund object (in `refund.*` events, or listed for a `charge.refunded`) applied to its
order through `broadcast.checkout.stripe_refunds` — the path our own refund call's answer takes, so
a refund is credited once, keyed by its Stripe id, whichever report arrives first. A refund of an
order whose payment webhook has not arrived yet (events come in any order) answers 503 and records
nothing: Stripe redelivers it, by when the order is paid."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.stripe_refunds import Outcome, StripeRefund, apply_stripe_refund
from server.kernel.problems import ServiceUnavailable


def refund_facts(obj: dict[str, Any], payment_intent_id: str | None = None) -> StripeRefund:
    metadata = obj.get("metadata") or {}
    intent = obj.get("payment_intent") or payment_intent_id
    return StripeRefund(
        id=str(obj["id"]),
        status=str(obj.get("status") or "succeeded"),
        amount_minor=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        payment_intent_id=intent.get("id") if isinstance(intent, dict) else intent,
        order_id=metadata.get("order_id"),
        refund_id=metadata.get("refund_id"),
    )


async def apply_refund_object(
    session: AsyncSession, obj: dict[str, Any], payment_intent_id: str | None = None
) -> Outcome:
    outcome = await apply_stripe_refund(session, refund_facts(obj, payment_intent_id))
    if outcome is Outcome.NOT_YET:
        raise ServiceUnavailable(f"refund {obj['id']}: its order's payment has not reached us yet; redeliver later")
    return outcome
