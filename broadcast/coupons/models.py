"""Tables of coupons: the brand's definitions, their drops into live sessions, and viewers' claims.

`coupons.claimed` is the stock counter: a claim takes one with a conditional UPDATE, so no more
than `total_limit` claims can ever exist. A claim is `claimed` (usable), `used` (an order holds
it) and goes back to `claimed` when that order expires or is cancelled unpaid."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

BIGINT: Any = sa.BigInteger
BPS: Any = sa.Numeric(9, 2)


class ClaimState(StrEnum):
    CLAIMED = "claimed"
    USED = "used"


class Coupon(SQLModel, table=True):
    __tablename__ = "coupons"
    __table_args__ = (
        sa.CheckConstraint("claimed >= 0 AND claimed <= total_limit", name="ck_coupons_claimed"),
        sa.CheckConstraint("total_limit >= 1 AND per_buyer_limit >= 1", name="ck_coupons_limits"),
        sa.CheckConstraint("(amount_off_minor IS NULL) <> (percent_off_bps IS NULL)", name="ck_coupons_kind"),
    )

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    title: str = Field(max_length=120)
    amount_off_minor: int | None = Field(default=None, sa_type=BIGINT)
    currency: str | None = Field(default=None, max_length=3)
    percent_off_bps: Decimal | None = Field(default=None, sa_type=BPS)
    min_spend_minor: int = Field(default=0, sa_type=BIGINT)
    sku_ids: list[str] = json_field(list)
    total_limit: int
    per_buyer_limit: int = 1
    claimed: int = 0
    valid_from: datetime = utc_field()
    valid_until: datetime = utc_field()
    active: bool = True
    created_at: datetime = utc_field(default_now=True)
    deactivated_at: datetime | None = utc_field(nullable=True)


class CouponDrop(SQLModel, table=True):
    __tablename__ = "coupon_drops"
    __table_args__ = (sa.UniqueConstraint("session_id", "coupon_id", name="uq_coupon_drops_session_coupon"),)

    id: str = Field(primary_key=True, max_length=40)
    coupon_id: str = Field(foreign_key="coupons.id", index=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    dropped_at: datetime = utc_field(default_now=True)
    closed_at: datetime | None = utc_field(nullable=True)  # its session ended: no more claims here


class CouponClaim(SQLModel, table=True):
    __tablename__ = "coupon_claims"
    # The n-th claim of one visitor on one coupon is unique: a second safeguard for per_buyer_limit.
    __table_args__ = (sa.UniqueConstraint("coupon_id", "visitor_id", "claim_no", name="uq_coupon_claims_buyer_no"),)

    id: str = Field(primary_key=True, max_length=40)
    coupon_id: str = Field(foreign_key="coupons.id", index=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", max_length=40)
    visitor_id: str = Field(max_length=64, index=True)
    claim_no: int
    state: str = Field(default=ClaimState.CLAIMED, max_length=16)
    order_id: str | None = Field(default=None, max_length=40, index=True)
    claimed_at: datetime = utc_field(default_now=True)
    used_at: datetime | None = utc_field(nullable=True)
