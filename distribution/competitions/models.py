"""Tables of PK competitions. `pk_orders` is the distribution end's own copy of every attributed
paid order (amount, refunds, self-referral), so a competition created late, a rebuild of the live
board and the close all compute from the database alone."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class CompetitionState(StrEnum):
    SCHEDULED = "scheduled"
    RUNNING = "running"
    CLOSED = "closed"


class Competition(SQLModel, table=True):
    __tablename__ = "competitions"

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    name: str = Field(max_length=120)
    session_id: str | None = Field(default=None, index=True, max_length=40)
    starts_at: datetime | None = utc_field(nullable=True)
    ends_at: datetime | None = utc_field(nullable=True)
    metric: str = Field(max_length=8)
    currency: str = Field(max_length=3)
    entrant_kind: str = Field(max_length=8)  # partners | teams
    prize_tiers: list[dict[str, Any]] = json_field(list)
    after_close_refunds: str = Field(default="final", max_length=16)
    state: str = Field(default=CompetitionState.SCHEDULED, max_length=16)
    created_at: datetime = utc_field(default_now=True)
    closed_at: datetime | None = utc_field(nullable=True)


class CompetitionMember(SQLModel, table=True):
    """A partner in a competition, under its entrant: itself, or its team (`entrant_key` pkt_…)."""

    __tablename__ = "competition_members"

    competition_id: str = Field(primary_key=True, foreign_key="competitions.id", max_length=40)
    partner_id: str = Field(primary_key=True, index=True, max_length=40)
    entrant_key: str = Field(max_length=40)
    entrant_name: str = Field(max_length=120)


class PkOrder(SQLModel, table=True):
    """An attributed paid order as competitions see it (from `OrderPaid`, refunds from `OrderRefunded`)."""

    __tablename__ = "pk_orders"
    __table_args__ = (sa.Index("ix_pk_orders_brand_paid", "brand_id", "paid_at"),)

    order_id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(max_length=40)
    session_id: str | None = Field(default=None, index=True, max_length=40)
    partner_id: str = Field(index=True, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    refunded_minor: int = Field(default=0, sa_type=sa.BigInteger)
    self_referral: bool = False
    paid_at: datetime = utc_field()


class OrderFlag(SQLModel, table=True):
    """A brand's flag on a suspicious order: it never counts in any competition while flagged."""

    __tablename__ = "order_flags"

    order_id: str = Field(primary_key=True, max_length=40)
    id: str = Field(unique=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    reason: str = Field(max_length=200)
    created_at: datetime = utc_field(default_now=True)


class CompetitionResult(SQLModel, table=True):
    """The frozen outcome for one partner: its entrant's rank and score, its own counted orders and
    its bonus (a team's prize split among its partners). Written once at close, never recomputed."""

    __tablename__ = "competition_results"
    __table_args__ = (sa.UniqueConstraint("competition_id", "partner_id", name="uq_competition_result_partner"),)

    id: str = Field(primary_key=True, max_length=40)
    competition_id: str = Field(foreign_key="competitions.id", index=True, max_length=40)
    partner_id: str = Field(index=True, max_length=40)
    entrant_key: str = Field(max_length=40)
    entrant_name: str = Field(max_length=120)
    rank: int
    score: int = Field(sa_type=sa.BigInteger)
    counted_net_minor: int = Field(sa_type=sa.BigInteger)
    counted_order_ids: list[str] = json_field(list)
    bonus_minor: int = Field(default=0, sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    frozen_at: datetime = utc_field(default_now=True)


class BonusAdjustment(SQLModel, table=True):
    """`adjust_bonus`: a refund after close changed a partner's percentage bonus by `delta_minor`."""

    __tablename__ = "competition_bonus_adjustments"
    __table_args__ = (sa.UniqueConstraint("competition_id", "partner_id", "refund_id", name="uq_pk_adjustment_refund"),)

    id: int | None = Field(default=None, primary_key=True)
    competition_id: str = Field(foreign_key="competitions.id", index=True, max_length=40)
    partner_id: str = Field(max_length=40)
    refund_id: str = Field(max_length=80)
    order_id: str = Field(max_length=40)
    delta_minor: int = Field(sa_type=sa.BigInteger)
    bonus_after_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    created_at: datetime = utc_field(default_now=True)
