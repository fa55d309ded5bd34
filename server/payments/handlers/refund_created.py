"""`refund.created`: a refund was made — by our own refund call (its metadata names our refund,
which this credits if our call's answer has not yet) or in the Stripe Dashboard (a refund row is
written for it and the order and commission reversed as for ours)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.payments.handlers import Context, Handled
from server.payments.handlers.refund_object import apply_refund_object


async def handle(session: AsyncSession, ctx: Context, refund: dict[str, Any]) -> Handled:
    return Handled((await apply_refund_object(session, refund)).value)
