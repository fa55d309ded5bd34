"""`charge.refunded`: some or all of a charge was refunded. Each of its refunds is applied by its
Stripe id (`refund_object`), so one already reported — by our call or a `refund.*` event — changes
nothing. Stripe's charge no longer embeds its refunds (API versions since 2022-11-15), so they are
listed at Stripe — only for a PaymentIntent of ours, and before any row is locked, so no lock is
held across the network. With Stripe unreachable the webhook answers 503 and records nothing, so
Stripe delivers the event again; a charge of no order of ours is recorded as `unknown_order`."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gateway import PaymentProviderError, PaymentProviderUnavailable
from broadcast.checkout.stripe_refunds import Outcome, knows_intent
from server.kernel.problems import ServiceUnavailable
from server.payments.handlers import Context, Handled
from server.payments.handlers.refund_object import apply_refund_object

# Most telling first: the word the event row keeps for a charge with several refunds.
PRIORITY = [
    Outcome.MISMATCH,
    Outcome.UNDONE,
    Outcome.DASHBOARD,
    Outcome.CREDITED,
    Outcome.FAILED,
    Outcome.WAITING,
    Outcome.NOT_PAID,
    Outcome.ALREADY,
    Outcome.UNKNOWN_ORDER,
]


async def handle(session: AsyncSession, ctx: Context, charge: dict[str, Any]) -> Handled:
    intent = charge.get("payment_intent")
    intent_id = intent.get("id") if isinstance(intent, dict) else intent
    embedded = (charge.get("refunds") or {}).get("data")
    if not embedded and not (intent_id and await knows_intent(session, intent_id)):
        return Handled(Outcome.UNKNOWN_ORDER.value)
    try:
        refunds = list(embedded) if embedded else await _listed(ctx, str(intent_id))
    except PaymentProviderUnavailable as exc:
        raise ServiceUnavailable(f"charge.refunded: the refunds could not be listed ({exc.detail})") from None
    except PaymentProviderError as exc:  # Stripe refuses the question: keep the event with why
        return Handled(f"refunds_not_listed: {exc.detail}"[:60])
    outcomes = [await apply_refund_object(session, obj, intent_id) for obj in refunds]
    return Handled(summary(outcomes))


async def _listed(ctx: Context, intent_id: str) -> list[dict[str, Any]]:
    if ctx.gateway is None:
        raise ServiceUnavailable("charge.refunded needs Stripe to list the refunds: payments are off")
    return await ctx.gateway.list_refunds(intent_id)


def summary(outcomes: list[Outcome]) -> str:
    found = [o for o in PRIORITY if o in outcomes]
    return (found or [Outcome.UNKNOWN_ORDER])[0].value
