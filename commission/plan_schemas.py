"""Request and response shapes of commission plans."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from commission.models.plans import PlanKind
from commission.schemas import RateBps, Request
from server.kernel.decimals import DecimalNumber, OptionalDecimalNumber

PartnerIds = list[str]


class RepeatRate(Request):
    """A bound customer's 2nd and later orders: rate − decay × (n − 2), not below the floor,
    nothing after order `max_orders`."""

    repeat_rate_bps: RateBps | None = None
    repeat_decay_bps: RateBps | None = None
    repeat_floor_bps: RateBps | None = None
    repeat_max_orders: int | None = Field(default=None, ge=2, le=10_000)


class PlanVersionCreate(RepeatRate):
    rate_bps: RateBps
    partner_ids: PartnerIds | None = Field(default=None, max_length=500, description="null keeps the named partners")
    effective_at: datetime | None = Field(
        default=None, description="when it applies (not in the past); a decrease waits for the brand's next midnight"
    )


class PlanCreate(RepeatRate):
    kind: PlanKind
    sku_id: str | None = Field(default=None, max_length=40, description="null: the whole shop")
    rate_bps: RateBps
    partner_ids: PartnerIds = Field(default_factory=list, max_length=500)
    starts_at: datetime | None = Field(default=None, description="an exclusive plan's period (required for it)")
    ends_at: datetime | None = None


class PlanVersionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    plan_id: str
    version: int
    brand_id: str
    sku_id: str | None
    kind: str
    rate_bps: DecimalNumber
    partner_ids: list[str]
    starts_at: datetime | None
    ends_at: datetime | None
    effective_at: datetime
    repeat_rate_bps: OptionalDecimalNumber
    repeat_decay_bps: OptionalDecimalNumber
    repeat_floor_bps: OptionalDecimalNumber
    repeat_max_orders: int | None
    source: str = Field(description="what a split line names when this version sets its rate")
