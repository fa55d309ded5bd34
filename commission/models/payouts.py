"""Partners' payout accounts, settlement runs and payouts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

DEFAULT_MINIMUM_PAYOUT_MINOR = 1000  # 10.00 in a two-decimal currency: below it a transfer costs too much


class PayoutState(StrEnum):
    IN_FLIGHT = "in_flight"  # money moved to in_flight, transfer requested or about to be
    PAID = "paid"
    FAILED = "failed"  # definitive Stripe refusal; money back to available


class PartnerPayoutAccount(SQLModel, table=True):
    __tablename__ = "partner_payout_accounts"

    partner_id: str = Field(primary_key=True, max_length=40)
    stripe_account_id: str | None = Field(default=None, max_length=64)
    minimum_payout_minor: int = Field(default=DEFAULT_MINIMUM_PAYOUT_MINOR, sa_type=sa.BigInteger)  # type: ignore[call-overload]
    updated_at: datetime = utc_field(default_now=True)


class SettlementRun(SQLModel, table=True):
    __tablename__ = "settlement_runs"

    id: str = Field(primary_key=True, max_length=40)
    as_of: datetime = utc_field()
    brand_id: str | None = Field(default=None, max_length=40)
    state: str = Field(default="running", max_length=16)
    summary: dict[str, Any] = json_field()
    started_at: datetime = utc_field(default_now=True)
    finished_at: datetime | None = utc_field(nullable=True)


class Payout(SQLModel, table=True):
    __tablename__ = "payouts"
    __table_args__ = (
        # At most one payout in flight per partner and currency, whatever runs overlap.
        sa.Index("uq_payouts_one_in_flight", "partner_id", "currency", unique=True,
                 postgresql_where=sa.text("state = 'in_flight'"), sqlite_where=sa.text("state = 'in_flight'")),
        sa.CheckConstraint("amount_minor > 0", name="ck_payout_positive"),
    )

    id: str = Field(primary_key=True, max_length=40)
    run_id: str = Field(index=True, max_length=40)
    partner_id: str = Field(index=True, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=sa.BigInteger)  # type: ignore[call-overload]
    state: str = Field(default=PayoutState.IN_FLIGHT, index=True, max_length=16)
    stripe_account_id: str = Field(max_length=64)
    transfer_id: str | None = Field(default=None, index=True, max_length=64)
    failure_reason: str | None = Field(default=None, max_length=300)
    created_at: datetime = utc_field(default_now=True)
    settled_at: datetime | None = utc_field(nullable=True)
