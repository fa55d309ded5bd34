"""Request and response shapes of the commission API. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from server.kernel.currency import validate_currency
from server.kernel.decimals import DecimalNumber

RateBps = Annotated[
    Decimal,
    Field(ge=0, le=10_000, max_digits=9, decimal_places=4, description="basis points: 100 = 1 %, 10000 = 100 %"),
]
Currency = Annotated[str, AfterValidator(validate_currency)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PolicyUpdate(Request):
    platform_fee_bps: RateBps = Decimal(0)
    parent_override_bps: RateBps = Decimal(0)
    default_commission_bps: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        default=None, description="the brand's default partner rate (a brand setting); null keeps it"
    )


class PolicyPublic(BaseModel):
    brand_id: str
    platform_fee_bps: DecimalNumber
    parent_override_bps: DecimalNumber
    default_commission_bps: int
    hold_period_days: int


class RuleCreate(Request):
    sku_id: str = Field(min_length=1, max_length=40)
    partner_id: str | None = Field(default=None, max_length=40, description="partner × SKU rule")
    session_id: str | None = Field(default=None, max_length=40, description="session line-up rule")
    rate_bps: RateBps


class RulePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: str
    brand_id: str
    kind: str
    partner_id: str | None
    session_id: str | None
    sku_id: str
    rate_bps: DecimalNumber
    updated_at: datetime


class PayoutSettingsUpdate(Request):
    minimum_payout_minor: Annotated[int, Field(ge=0, le=10**12)]
    currency: Currency | None = Field(default=None, description="if given, must be the partner's balance currency")


class PayoutAccountPublic(BaseModel):
    partner_id: str
    stripe_account_id: str | None
    minimum_payout_minor: int
    onboarding_url: str | None = None
    onboarding_expires_at: int | None = None


class SettlementCreate(Request):
    as_of: datetime
    brand_id: str | None = None
    partner_ids: list[str] | None = Field(default=None, max_length=10_000)
    currency: str | None = None
    expected_plan: str | None = Field(
        default=None, max_length=64, description="a preview's fingerprint: run only if the plan is still that"
    )
