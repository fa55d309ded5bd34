"""Reconciliation, refunds: every refund Stripe reported differently from our record of it (kept by
`broadcast.checkout.refund_mismatches` instead of overwriting ours) is a mismatch of the period in
which it was found, listed with its reason until finance settles it with Stripe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.refund_mismatches import RefundMismatch


async def refund_mismatches(session: AsyncSession, since: datetime, until: datetime) -> list[dict[str, Any]]:
    stmt = (
        select(RefundMismatch)
        .where(col(RefundMismatch.detected_at) >= since, col(RefundMismatch.detected_at) < until)
        .order_by(col(RefundMismatch.detected_at), col(RefundMismatch.id))
    )
    return [
        {
            "section": "refunds",
            "currency": m.currency,
            "order_id": m.order_id,
            "refund_id": m.refund_id,
            "stripe_refund_id": m.stripe_refund_id,
            "reason": m.reason,
        }
        for m in (await session.exec(stmt)).all()
    ]
