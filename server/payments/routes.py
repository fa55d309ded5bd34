"""The payments entry: `POST /api/v1/payments/stripe/webhook` (public, signed by Stripe), the
late-payment refund job (outbox) and the sweeper that recovers payments whose webhook was lost."""

from __future__ import annotations

from typing import Any

from litestar import Request, post
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.routing import PUBLIC
from server.payments import late_refund
from server.payments.handlers import Context
from server.payments.reconcile import reconciler
from server.payments.webhook import process, verified_event


@post(
    "/api/v1/payments/stripe/webhook",
    opt=PUBLIC,
    status_code=200,
    tags=["payments"],
    summary="Stripe webhook (signature checked with STRIPE_WEBHOOK_SECRET)",
)
async def stripe_webhook(request: Request[Any, Any, Any], db: AsyncSession) -> dict[str, Any]:
    state = request.app.state
    event = verified_event(
        await request.body(), request.headers.get("stripe-signature"), state.settings.stripe_webhook_secret
    )
    ctx = Context.of_app(state, getattr(state, "payment_gateway", None))
    outcome = await process(db, ctx, event)
    return {"received": True, "id": event["id"], "outcome": outcome}


ROUTE_HANDLERS: list[Any] = [stripe_webhook]
EVENT_HANDLERS: dict[str, list[Any]] = late_refund.EVENT_HANDLERS
# After checkout's lifespans (the app mounts the live end first): both need its payment gateway.
LIFESPANS: list[Any] = [reconciler]
