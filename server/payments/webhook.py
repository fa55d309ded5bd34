"""The Stripe webhook: verify the signature, record the event by its id, apply it exactly once.

The event row and the event's effects commit in one transaction, so a redelivery (same id) finds
the row and changes nothing, and a crash before the commit leaves neither — Stripe redelivers.
Two deliveries racing each other meet at the primary key; the loser rolls back and answers 200.
With the database away the endpoint answers 503 within the connect timeout (server/errors.py),
never hangs, and Stripe redelivers the event later."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import stripe
import structlog
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import utcnow
from server.kernel.problems import Problem, ServiceUnavailable
from server.payments.handlers import (
    Context,
    Handled,
    charge_dispute_closed,
    charge_dispute_created,
    charge_dispute_updated,
    charge_refunded,
    payment_intent_canceled,
    payment_intent_payment_failed,
    payment_intent_processing,
    payment_intent_requires_action,
    payment_intent_succeeded,
    refund_created,
    refund_updated,
)
from server.payments.models import StripeEvent

log = structlog.get_logger("payments.webhook")
TOLERANCE_S = 300
HANDLERS: dict[str, ModuleType] = {
    "payment_intent.succeeded": payment_intent_succeeded,
    "payment_intent.payment_failed": payment_intent_payment_failed,
    "payment_intent.canceled": payment_intent_canceled,
    "payment_intent.processing": payment_intent_processing,
    "payment_intent.requires_action": payment_intent_requires_action,
    # disputes: server/payments/disputes.py → commission/disputes.py
    "charge.dispute.created": charge_dispute_created,
    "charge.dispute.updated": charge_dispute_updated,
    "charge.dispute.closed": charge_dispute_closed,
}
# Refunds made anywhere (our API, the Stripe Dashboard), keyed by the Stripe refund id.
HANDLERS |= {
    "charge.refunded": charge_refunded,
    "refund.created": refund_created,
    "refund.updated": refund_updated,
    "refund.failed": refund_updated,
}


class BadSignature(Problem):
    status_code, slug, title = 400, "bad-signature", "The Stripe signature does not match"


def verified_event(payload: bytes, signature: str | None, secret: str | None) -> dict[str, Any]:
    if not secret:
        raise ServiceUnavailable("Stripe webhooks are off: set STRIPE_WEBHOOK_SECRET (whsec_…)")
    try:
        stripe.WebhookSignature.verify_header(payload.decode("utf-8"), signature or "", secret, TOLERANCE_S)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise BadSignature(f"rejected: {exc}") from None
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise BadSignature("rejected: not a Stripe event")
    return event


async def process(session: AsyncSession, ctx: Context, event: dict[str, Any]) -> str:
    if await session.get(StripeEvent, event["id"]) is not None:
        return "duplicate"
    obj = (event.get("data") or {}).get("object") or {}
    module = HANDLERS.get(event["type"])
    handled = await module.handle(session, ctx, obj) if module and obj.get("id") else Handled("not_handled")
    session.add(
        StripeEvent(
            id=event["id"],
            type=event["type"],
            object_id=obj.get("id"),
            outcome=handled.outcome,
            payload=event,
            received_at=utcnow(),
        )
    )
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        return "duplicate"
    for work in handled.after_commit:
        try:
            await work()
        except Exception as exc:  # the event itself is applied; a follow-up failure is logged, not retried
            log.error("webhook follow-up failed", event_id=event["id"], error=repr(exc))
    return handled.outcome
