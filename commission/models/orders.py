"""A paid order's frozen split, and the refunds seen for it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

MINOR = sa.BigInteger


class OrderCommission(SQLModel, table=True):
    """Rates and split frozen when the order was paid. The *_reversed_minor columns and the
    release columns are progress markers written in the same transaction as their ledger entries;
    the ledger remains the source of truth for balances."""

    __tablename__ = "order_commissions"
    __table_args__ = (
        # the reconciliation's sums by payment time: an index-only scan on PostgreSQL
        sa.Index(
            "ix_order_commissions_paid_at",
            "paid_at",
            postgresql_include=[
                "currency",
                "amount_minor",
                "partner_minor",
                "parent_minor",
                "partner_reversed_minor",
                "parent_reversed_minor",
            ],
        ),
        sa.Index("ix_order_commissions_repeat", "brand_id", "partner_id", "visitor_id"),
    )

    order_id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    session_id: str | None = Field(default=None, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=MINOR)
    partner_id: str | None = Field(default=None, index=True, max_length=40)
    visitor_id: str | None = Field(default=None, max_length=64)  # the buyer: counts a plan's repeat orders
    parent_partner_id: str | None = Field(default=None, max_length=40)
    partner_minor: int = Field(default=0, sa_type=MINOR)
    parent_minor: int = Field(default=0, sa_type=MINOR)
    platform_fee_minor: int = Field(default=0, sa_type=MINOR)
    brand_net_minor: int = Field(default=0, sa_type=MINOR)
    split_lines: list[dict[str, Any]] = json_field(list)
    no_commission_reason: str | None = Field(default=None, max_length=40)
    paid_at: datetime = utc_field()
    hold_until: datetime = utc_field(index=True)
    # The brand's `release_on` frozen at payment: `days` releases at hold_until; `completion` waits
    # for the order's OrderCompleted (completed_at), then releases at once (hold_until = completed_at).
    release_on: str = Field(default="days", max_length=12, sa_column_kwargs={"server_default": "days"})
    completed_at: datetime | None = utc_field(nullable=True)
    released_at: datetime | None = utc_field(nullable=True)
    # not indexed: every release rewrites a million rows, an index on the batch would double that work
    release_batch: str | None = Field(default=None, max_length=40)
    refunded_minor: int = Field(default=0, sa_type=MINOR)
    partner_reversed_minor: int = Field(default=0, sa_type=MINOR)
    parent_reversed_minor: int = Field(default=0, sa_type=MINOR)
    fee_reversed_minor: int = Field(default=0, sa_type=MINOR)
    # the open dispute holding this order's commission (commission/disputes.py); release skips it
    held_by_dispute: str | None = Field(default=None, max_length=40)
    created_at: datetime = utc_field(default_now=True)


class RefundRecord(SQLModel, table=True):
    """Every OrderRefunded seen, kept even when it arrives before its OrderPaid (applied later)."""

    __tablename__ = "commission_refunds"

    refund_id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(index=True, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=MINOR)
    refunded_at: datetime = utc_field()
    applied_at: datetime | None = utc_field(nullable=True)
    applied_minor: int = Field(default=0, sa_type=MINOR)
    effective_at: datetime | None = utc_field(nullable=True, index=True)  # when its reversal took effect
    rejected_reason: str | None = Field(default=None, max_length=200)
