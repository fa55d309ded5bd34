"""Card disputes (chargebacks) seen from Stripe, and the commission each one holds."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field

MINOR = sa.BigInteger


class DisputePhase(StrEnum):
    """Our side of a dispute's life (Stripe's own status is kept alongside, in `stripe_status`)."""

    HELD = "held"  # open: the order's commission sits in the partners' *disputed* accounts
    WON = "won"  # closed in the brand's favour: the hold went back where it came from
    LOST = "lost"  # closed against the brand: reversed like a refund, the fee charged to the brand
    UNMATCHED = "unmatched"  # no order (or no accrued commission) for its charge: nothing held, listed


class CommissionDispute(SQLModel, table=True):
    """One row per Stripe dispute; `problem` says in words what did not fit (unknown charge, a
    dispute larger than what is left of the order, another currency), never silently dropped."""

    __tablename__ = "commission_disputes"

    id: str = Field(primary_key=True, max_length=40)  # dsp_…, time-ordered: the lists' cursor
    stripe_dispute_id: str = Field(unique=True, max_length=255)
    charge_id: str | None = Field(default=None, max_length=255)
    payment_intent_id: str | None = Field(default=None, max_length=255)
    order_id: str | None = Field(default=None, index=True, max_length=40)
    brand_id: str | None = Field(default=None, index=True, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=MINOR)
    stripe_status: str = Field(max_length=40)
    stripe_reason: str | None = Field(default=None, max_length=60)
    due_by: datetime | None = utc_field(nullable=True)  # evidence_details.due_by
    phase: str = Field(default=DisputePhase.HELD, index=True, max_length=16)
    held_kind: str | None = Field(default=None, max_length=16)  # pending or available: where the hold came from
    partner_id: str | None = Field(default=None, index=True, max_length=40)
    parent_partner_id: str | None = Field(default=None, max_length=40)
    partner_held_minor: int = Field(default=0, sa_type=MINOR)
    parent_held_minor: int = Field(default=0, sa_type=MINOR)
    lost_minor: int = Field(default=0, sa_type=MINOR)  # what a lost dispute reversed (capped at the order's rest)
    fee_minor: int = Field(default=0, sa_type=MINOR)  # Stripe's dispute fee, net of any fee it gave back
    fee_currency: str | None = Field(default=None, max_length=3)
    problem: str | None = Field(default=None, max_length=300)
    opened_at: datetime = utc_field()
    closed_at: datetime | None = utc_field(nullable=True, index=True)  # when the outcome took effect
    updated_at: datetime = utc_field(default_now=True)
