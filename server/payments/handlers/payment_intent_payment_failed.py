"""`payment_intent.payment_failed`: one attempt to pay failed (a declined card, an abandoned 3-D
Secure or wallet page). The PaymentIntent stays usable, so an order still waiting for payment keeps
its hold and the buyer tries again in the Payment Element; the hold's lapse releases it (the sweeper
cancels the intent then). A `processing` payment that fails later (a bank debit refused) has no
buyer on the page: that order is cancelled, its units return, and the intent is cancelled at
Stripe so it cannot take money for a closed order later."""

from __future__ import annotations

import contextlib
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import payments, states
from broadcast.checkout.gateway import PaymentProviderError
from broadcast.checkout.models import OrderState
from server.payments.handlers import Context, Handled, intent_fields

REASON = "payment_failed"
STALE = "stale_failure"
ATTEMPT_FAILED = "attempt_failed"
TAKING_MONEY = ("succeeded", "processing", "requires_capture")


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    return await release(session, ctx, intent, REASON, cancel_at_stripe=True, buyer_may_retry=True)


async def release(
    session: AsyncSession,
    ctx: Context,
    intent: dict[str, Any],
    reason: str,
    cancel_at_stripe: bool,
    buyer_may_retry: bool = False,
) -> Handled:
    intent_id, order_id, _, _ = intent_fields(intent)
    if await _moved_on(ctx, intent_id):
        return Handled(STALE)
    order = await payments.find_order(session, order_id, intent_id)
    if order is None:
        return Handled(payments.Outcome.UNKNOWN_ORDER.value)
    if buyer_may_retry and order.state == OrderState.PENDING_PAYMENT:
        data = {"payment_intent": intent_id, "error": _error_code(intent.get("last_payment_error"))}
        states.note(session, order, "payment_attempt_failed", data)
        return Handled(ATTEMPT_FAILED)
    applied = await payments.apply_failure(session, order, reason)
    after = []
    if applied.outcome is payments.Outcome.RELEASED and cancel_at_stripe and ctx.gateway is not None:
        after.append(lambda: _cancel(ctx, intent_id))
    return Handled(applied.outcome.value, after)


def _error_code(error: Any) -> str | None:
    return str(error.get("code") or error.get("type")) if isinstance(error, dict) else None


async def _moved_on(ctx: Context, intent_id: str) -> bool:
    """Events arrive in any order: ask Stripe whether this intent has since taken the money
    (asked before any row is locked, so no lock is held across the network)."""
    if ctx.gateway is None:
        return False
    try:
        return (await ctx.gateway.retrieve_intent(intent_id)).status in TAKING_MONEY
    except PaymentProviderError:
        return False


async def _cancel(ctx: Context, intent_id: str) -> None:
    assert ctx.gateway is not None
    with contextlib.suppress(PaymentProviderError):  # already cancelled, or Stripe will not: nothing to undo
        await ctx.gateway.cancel_intent(intent_id)
