"""Commission rules (the most specific one wins) and a brand's split policy."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field

RATE_TYPE = sa.Numeric(12, 4)


class RuleKind(StrEnum):
    """Most specific first; the partnership rate and the brand default follow these."""

    PARTNER_SKU = "partner_sku"
    LINEUP = "lineup"
    SKU = "sku"


class CommissionRule(SQLModel, table=True):
    __tablename__ = "commission_rules"
    __table_args__ = (sa.CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000", name="ck_rule_rate_range"),)

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    kind: str = Field(max_length=16)
    partner_id: str | None = Field(default=None, max_length=40)
    session_id: str | None = Field(default=None, max_length=40)
    sku_id: str = Field(index=True, max_length=40)
    rate_bps: Decimal = Field(sa_type=RATE_TYPE)  # type: ignore[call-overload]
    # brand|kind|partner|session|sku: one rule per scope (NULLs would not collide in a UNIQUE).
    scope_key: str = Field(unique=True, max_length=220)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class CommissionPolicy(SQLModel, table=True):
    """Brand-level split settings kept in commission's own table (not in BrandSettings)."""

    __tablename__ = "commission_policies"

    brand_id: str = Field(primary_key=True, max_length=40)
    platform_fee_bps: Decimal = Field(default=Decimal(0), sa_type=RATE_TYPE)  # type: ignore[call-overload]
    parent_override_bps: Decimal = Field(default=Decimal(0), sa_type=RATE_TYPE)  # type: ignore[call-overload]
    updated_at: datetime = utc_field(default_now=True)
