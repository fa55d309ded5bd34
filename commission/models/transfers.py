"""The local copy of Stripe Connect transfers the reconciliation matches payouts against, synced
incrementally (commission/reports/transfers.py): a report reads rows, not every transfer from Stripe."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class StripeTransfer(SQLModel, table=True):
    __tablename__ = "stripe_transfers"

    id: str = Field(primary_key=True, max_length=255)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)  # upper case, as every money row
    destination: str | None = Field(default=None, max_length=255)
    payout_id: str | None = Field(default=None, max_length=40)  # metadata.payout_id
    created_at: datetime = utc_field(index=True)  # Stripe's `created`
    synced_at: datetime = utc_field(default_now=True)
