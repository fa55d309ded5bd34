"""`refund.updated` (and `refund.failed`): a refund changed status at Stripe. `succeeded` credits
it if no report did yet; `failed` / `canceled` after it was credited undoes it with new rows (the
order's money back, the commission reversal compensated), never by rewriting the earlier ones."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.payments.handlers import Context, Handled
from server.payments.handlers.refund_object import apply_refund_object


async def handle(session: AsyncSession, ctx: Context, refund: dict[str, Any]) -> Handled:
    return Handled((await apply_refund_object(session, refund)).value)
