"""Money Stripe has but we never heard about: the webhook was lost, or Stripe gave up redelivering.

An order still `pending_payment` some minutes after checkout (`payment_reconcile_after_s`) is asked
about at Stripe, at most `payment_reconcile_batch` orders a tick (a round robin by order id, so
orders Stripe keeps in `processing` cannot starve the others), and Stripe's answer is applied
through the webhook's own path — `webhook.process` with the handler of the matching event type —
as an event of our own with a deterministic id (`zx_reconcile_<intent>_<status>`):
- the `StripeEvent` row makes the sweep itself exactly-once (two workers sweeping the same order
  meet at its primary key, as two deliveries of one webhook do);
- a real webhook arriving later finds the order already paid (or closed) and changes nothing,
  exactly as a second delivery would (`already_applied`, no second `OrderPaid`).
An intent still waiting for the buyer (`requires_payment_method` without an error, `requires_action`,
`processing`) is left alone: the reservation's expiry deals with it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gateway import Intent, PaymentProviderError
from broadcast.checkout.models import Order
from broadcast.checkout.states import UNPAID
from server.kernel.clock import utcnow
from server.kernel.periodic import periodic
from server.payments.handlers import Context
from server.payments.webhook import process

log = structlog.get_logger("payments.reconcile")
EVENT_PREFIX = "zx_reconcile_"


def event_type(intent: Intent) -> str | None:
    """The webhook event Stripe would have sent for the intent's present state, if any is due."""
    if intent.status == "succeeded":
        return "payment_intent.succeeded"
    if intent.status == "canceled":
        return "payment_intent.canceled"
    if intent.status == "processing":
        return "payment_intent.processing"
    if intent.status == "requires_payment_method" and intent.payment_error:
        return "payment_intent.payment_failed"
    return None


def synthetic_event(order_id: str, intent: Intent, kind: str) -> dict[str, Any]:
    """Shaped like Stripe's event (only the fields the handlers read), marked as ours."""
    intent_object = {
        "id": intent.id,
        "object": "payment_intent",
        "status": intent.status,
        "amount": intent.amount_minor,
        "amount_received": intent.amount_received_minor,
        "currency": intent.currency.lower(),
        "metadata": {"order_id": intent.order_id or order_id},
    }
    return {
        "id": f"{EVENT_PREFIX}{intent.id}_{intent.status}",
        "object": "event",
        "type": kind,
        "data": {"object": intent_object},
        "zx_source": "reconcile",
    }


async def due(session: AsyncSession, after_s: float, limit: int, cursor: str) -> list[tuple[str, str]]:
    """(order id, intent id) of orders unpaid since before `after_s` ago, from `cursor` on."""
    stmt = (
        select(Order.id, Order.payment_intent_id)
        .where(
            col(Order.state).in_([s.value for s in UNPAID]),
            col(Order.payment_intent_id).is_not(None),
            Order.created_at <= utcnow() - timedelta(seconds=after_s),
            Order.id > cursor,
        )
        .order_by(col(Order.id))
        .limit(limit)
    )
    return [(order_id, str(intent_id)) for order_id, intent_id in (await session.exec(stmt)).all()]


async def reconcile_one(maker: async_sessionmaker[AsyncSession], ctx: Context, order_id: str, intent_id: str) -> str:
    """Ask Stripe (no transaction open meanwhile), then apply its answer as the webhook would."""
    assert ctx.gateway is not None
    intent = await ctx.gateway.retrieve_intent(intent_id)
    kind = event_type(intent)
    if kind is None:
        return f"waiting:{intent.status}"
    async with maker() as session:
        return await process(session, ctx, synthetic_event(order_id, intent, kind))


async def sweep(
    ctx: Context,
    after_s: float,
    limit: int,
    cursor: str = "",
) -> tuple[dict[str, str], str]:
    """One tick: ({order id: outcome}, the cursor for the next tick — "" after the last order)."""
    if ctx.gateway is None:
        return {}, cursor
    async with ctx.maker() as session:
        orders = await due(session, after_s, limit, cursor)
    outcomes: dict[str, str] = {}
    for order_id, intent_id in orders:
        try:
            outcomes[order_id] = await reconcile_one(ctx.maker, ctx, order_id, intent_id)
        except PaymentProviderError as exc:  # Stripe is away: stop, and start this batch again next tick
            log.warning("payment reconcile paused: Stripe unavailable", order_id=order_id, error=str(exc.detail))
            return outcomes, cursor
        except Exception as exc:  # one bad order must not hold up the others (it comes round again)
            log.error("payment reconcile failed", order_id=order_id, error=repr(exc))
            outcomes[order_id] = "error"
    return outcomes, orders[-1][0] if len(orders) == limit else ""


async def _sweep_app(app: Any) -> None:
    settings = app.state.settings
    cursor = getattr(app.state, "payment_reconcile_cursor", "")
    outcomes, app.state.payment_reconcile_cursor = await sweep(
        Context.of_app(app.state, getattr(app.state, "payment_gateway", None)),
        settings.payment_reconcile_after_s,
        settings.payment_reconcile_batch,
        cursor,
    )
    if outcomes:
        log.info("payments reconciled", outcomes=outcomes)


# LIFESPAN: every `payment_reconcile_interval_s` seconds (0 = off; tests call `sweep`).
reconciler = periodic("payment-reconciler", lambda app: app.state.settings.payment_reconcile_interval_s, _sweep_app)
