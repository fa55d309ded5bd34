"""`charge.dispute.created`: the disputed order's commission is frozen (commission/disputes.py)."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from server.payments.disputes import handle_dispute
from server.payments.handlers import Context, Handled


async def handle(session: AsyncSession, ctx: Context, dispute: dict[str, Any]) -> Handled:
    return await handle_dispute(session, dispute)
