"""`payment_intent.payment_failed`: the order is cancelled and its units return to the room. The
PaymentIntent is then cancelled at Stripe so it cannot take money for a closed order later."""

from __future__ import annotations

import contextlib
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import payments
from broadcast.checkout.gateway import PaymentProviderError
from server.payments.handlers import Context, Handled, intent_fields

REASON = "payment_failed"
STALE = "stale_failure"
TAKING_MONEY = ("succeeded", "processing", "requires_capture")


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    return await release(session, ctx, intent, REASON, cancel_at_stripe=True)


async def release(
    session: AsyncSession, ctx: Context, intent: dict[str, Any], reason: str, cancel_at_stripe: bool
) -> Handled:
    intent_id, order_id, _, _ = intent_fields(intent)
    if await _moved_on(ctx, intent_id):
        return Handled(STALE)
    order = await payments.find_order(session, order_id, intent_id)
    if order is None:
        return Handled(payments.Outcome.UNKNOWN_ORDER.value)
    applied = await payments.apply_failure(session, order, reason)
    after = []
    if applied.outcome is payments.Outcome.RELEASED and cancel_at_stripe and ctx.gateway is not None:
        after.append(lambda: _cancel(ctx, intent_id))
    return Handled(applied.outcome.value, after)


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
