"""A refund Stripe reports differently from our own record of it (another amount or currency, more
than is left on the order). Nothing is overwritten: the disagreement is kept here, with its reason,
and the reconciliation report lists it (`commission/reports/refund_mismatches.py`) for finance to
settle with Stripe. One row per Stripe refund and reported amount (the first reason found), so a
redelivered event (a new event id, the same content) adds nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import utcnow
from server.kernel.db import utc_field
from server.kernel.ids import new_id

BIGINT: Any = sa.BigInteger


class RefundMismatch(SQLModel, table=True):
    __tablename__ = "refund_mismatches"
    __table_args__ = (
        sa.UniqueConstraint("stripe_refund_id", "stripe_amount_minor", name="uq_refund_mismatches_report"),
    )

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    refund_id: str | None = Field(default=None, max_length=40)  # ours, when we have one
    stripe_refund_id: str = Field(max_length=255)
    currency: str = Field(max_length=3)  # the order's
    our_amount_minor: int = Field(sa_type=BIGINT)
    stripe_amount_minor: int = Field(sa_type=BIGINT)
    stripe_currency: str = Field(max_length=3)
    reason: str = Field(max_length=200)
    detected_at: datetime = utc_field(default_now=True, index=True)


async def record_mismatch(session: AsyncSession, mismatch: RefundMismatch) -> bool:
    """Add it unless this very report is already kept (the caller holds the order's row lock)."""
    stmt = select(RefundMismatch.id).where(
        RefundMismatch.stripe_refund_id == mismatch.stripe_refund_id,
        RefundMismatch.stripe_amount_minor == mismatch.stripe_amount_minor,
    )
    if (await session.exec(stmt)).first() is not None:
        return False
    mismatch.id, mismatch.detected_at = new_id("rfm"), utcnow()
    session.add(mismatch)
    return True
