"""Commission plans, one row per published version: a plan is never edited in place, a change
is a new version with the time it takes effect (rate protection may put that at next midnight)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from commission.models.rules import RATE_TYPE
from server.kernel.db import json_field, utc_field


class PlanKind(StrEnum):
    """Exclusive first: while one runs on a SKU, no other plan pays on it."""

    EXCLUSIVE = "exclusive"
    TARGETED = "targeted"
    OPEN = "open"


class PlanVersion(SQLModel, table=True):
    __tablename__ = "commission_plan_versions"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "version", name="uq_plan_version"),
        sa.CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000", name="ck_plan_rate_range"),
    )

    id: str = Field(primary_key=True, max_length=40)
    plan_id: str = Field(index=True, max_length=40)
    version: int
    brand_id: str = Field(index=True, max_length=40)
    sku_id: str | None = Field(default=None, max_length=40)  # None: the whole shop
    kind: str = Field(max_length=16)
    rate_bps: Decimal = Field(sa_type=RATE_TYPE)
    partner_ids: list[str] = json_field(list)
    starts_at: datetime | None = utc_field(nullable=True)  # an exclusive plan's period
    ends_at: datetime | None = utc_field(nullable=True)
    effective_at: datetime = utc_field()
    # a bound customer's 2nd and later orders: rate - decay × (n - 2), not below the floor, up to order n_max
    repeat_rate_bps: Decimal | None = Field(default=None, sa_type=RATE_TYPE)
    repeat_decay_bps: Decimal | None = Field(default=None, sa_type=RATE_TYPE)
    repeat_floor_bps: Decimal | None = Field(default=None, sa_type=RATE_TYPE)
    repeat_max_orders: int | None = None
    created_at: datetime = utc_field(default_now=True)
