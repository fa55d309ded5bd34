"""`payment_intent.canceled`: the order is cancelled (if still unpaid) and its units return."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.payments.handlers import Context, Handled
from server.payments.handlers.payment_intent_payment_failed import release


async def handle(session: AsyncSession, ctx: Context, intent: dict[str, Any]) -> Handled:
    return await release(session, ctx, intent, "payment_canceled", cancel_at_stripe=False)
