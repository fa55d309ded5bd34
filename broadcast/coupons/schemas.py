"""Request and response shapes of coupons, drops and claims."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from broadcast.schemas import Public, Request
from server.kernel.decimals import OptionalDecimalNumber

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class CouponCreate(Request):
    title: Title
    amount_off_minor: Annotated[int, Field(ge=1, le=10**12)] | None = None
    currency: Annotated[str, StringConstraints(min_length=3, max_length=3, to_upper=True)] | None = None
    percent_off_bps: Annotated[Decimal, Field(ge=1, le=10_000, max_digits=7, decimal_places=2)] | None = None
    min_spend_minor: Annotated[int, Field(ge=0, le=10**12)] = 0
    sku_ids: list[Annotated[str, StringConstraints(max_length=40)]] = Field(default_factory=list, max_length=200)
    total_limit: Annotated[int, Field(ge=1, le=10_000_000)]
    per_buyer_limit: Annotated[int, Field(ge=1, le=1000)] = 1
    valid_from: datetime
    valid_until: datetime

    @model_validator(mode="after")
    def _consistent(self) -> CouponCreate:
        if (self.amount_off_minor is None) == (self.percent_off_bps is None):
            raise ValueError("give either amount_off_minor (with currency) or percent_off_bps, not both")
        if self.amount_off_minor is not None and not self.currency:
            raise ValueError("an amount-off coupon needs its currency")
        if self.percent_off_bps is not None and self.currency:
            raise ValueError("a percent-off coupon has no currency")
        if self.percent_off_bps is not None:  # as the database keeps it (two places), so answers agree
            self.percent_off_bps = self.percent_off_bps.quantize(Decimal("0.01"))
        if self.valid_from.tzinfo is None or self.valid_until.tzinfo is None:
            raise ValueError("valid_from and valid_until need a time zone")
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        return self


class CouponPublic(Public):
    id: str
    brand_id: str
    title: str
    amount_off_minor: int | None
    currency: str | None
    percent_off_bps: OptionalDecimalNumber
    min_spend_minor: int
    sku_ids: list[str]
    total_limit: int
    per_buyer_limit: int
    claimed: int
    remaining: int = 0
    used: int = 0
    active: bool
    valid_from: datetime
    valid_until: datetime
    created_at: datetime
    deactivated_at: datetime | None


class CouponDropCreate(Request):
    coupon_id: str = Field(max_length=40)


class CouponDropPublic(Public):
    id: str
    coupon_id: str
    session_id: str
    dropped_at: datetime


class RoomCouponPublic(Public):
    """A coupon dropped in a session, as a viewer sees it (with what this visitor claimed)."""

    coupon_id: str
    title: str
    label: str
    amount_off_minor: int | None
    currency: str | None
    percent_off_bps: OptionalDecimalNumber
    min_spend_minor: int
    remaining: int
    per_buyer_limit: int
    valid_from: datetime
    valid_until: datetime
    active: bool
    claimed_by_me: int = 0
    dropped_at: datetime
    closed_at: datetime | None = Field(default=None, description="set when the session ended: no more claims")


class ClaimPublic(Public):
    id: str
    coupon_id: str
    session_id: str
    state: str
    order_id: str | None
    claimed_at: datetime
    remaining: int = 0


class MyClaimPublic(Public):
    """One of the visitor's usable claims, and what it would take off the current cart (None: not applicable)."""

    claim_id: str
    coupon: RoomCouponPublic
    discount_minor: int | None
    reason: str | None
