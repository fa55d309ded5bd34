"""Request and response shapes of the live end. Requests forbid unknown fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator, AnyHttpUrl, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from broadcast.models import SessionState, SkuStatus
from server.kernel.currency import validate_currency

Currency = Annotated[str, AfterValidator(validate_currency)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
SkuCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
MinorUnits = Annotated[int, Field(ge=0, le=10**12)]
Url = Annotated[AnyHttpUrl, Field()]


def _known_timezone(name: str) -> str:
    if name not in available_timezones():
        raise ValueError(f"unknown time zone {name!r} (an IANA name such as Asia/Shanghai)")
    return name


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class BrandSettings(Request):
    """A brand's policies. Other parts of the product read these (attribution, holds, chat)."""

    attribution_window_days: int = Field(default=7, ge=0, le=365)
    protection_period_days: int | None = Field(
        default=30, ge=0, le=3650, description="customer binding; 0 = off, null = forever"
    )
    self_referral_earns: bool = False
    hold_period_days: int = Field(default=7, ge=0, le=365)
    default_commission_bps: int = Field(default=1000, ge=0, le=10_000)
    timezone: Annotated[str, AfterValidator(_known_timezone)] = Field(
        default="Asia/Shanghai", description="IANA zone of the brand's day (rate decreases apply at its midnight)"
    )
    blocked_words: list[Annotated[str, StringConstraints(min_length=1, max_length=50)]] = Field(
        default_factory=list, max_length=500
    )
    per_buyer_limit_per_sku: int = Field(
        default=5, ge=1, le=10_000, description="units of one SKU one viewer may buy per session"
    )
    unpaid_hold_share_bps: int = Field(
        default=3000,
        ge=1,
        le=10_000,
        description="the share (basis points) of a SKU's unsold units in a session that unpaid orders may hold at once",
    )
    # After the sale (broadcast.fulfilment). A key missing from a stored brand reads as the default
    # here; `release_on` is `days` for brands made before it existed and `completion` for new ones
    # (BrandCreate), so a brand's partners never see their release rule change under them.
    auto_delivery_days: int = Field(default=10, ge=1, le=90, description="delivered automatically after shipping")
    return_window_days: int = Field(default=7, ge=0, le=90, description="after delivery, before completion")
    aftersale_auto_approve_days: int = Field(
        default=3, ge=1, le=30, description="an after-sales request the brand leaves this long is approved"
    )
    return_address: str | None = Field(default=None, max_length=300, description="where returns are sent")
    release_on: Literal["completion", "days"] = Field(
        default="days",
        description="commission becomes available when the order completes, or hold_period_days after payment",
    )
    replay_live_price_days: int = Field(
        default=0,
        ge=0,
        le=365,
        description="a replay sells at the live price for this many days after the show ends, then at the "
        "list price; 0 = the list price from the start",
    )


class BrandCreate(Request):
    name: Name
    slug: Slug
    default_currency: Currency
    settings: BrandSettings = Field(default_factory=BrandSettings)

    @model_validator(mode="after")
    def new_brands_release_on_completion(self) -> BrandCreate:
        if "release_on" not in self.settings.model_fields_set:
            self.settings.release_on = "completion"
        return self


class BrandUpdate(Request):
    name: Name | None = None
    default_currency: Currency | None = None
    settings: BrandSettings | None = None


class BrandPublic(Public):
    id: str
    name: str
    slug: str
    default_currency: str
    settings: BrandSettings
    created_at: datetime


class SkuCreate(Request):
    code: SkuCode
    title: Title
    image_url: Url | None = None
    price_minor: MinorUnits
    currency: Currency | None = Field(default=None, description="defaults to the brand's currency")
    stock: Annotated[int, Field(ge=0, le=10**9)] = 0
    status: SkuStatus = SkuStatus.ACTIVE


class SkuUpdate(Request):
    title: Title | None = None
    image_url: Url | None = None
    price_minor: MinorUnits | None = None
    stock: Annotated[int, Field(ge=0, le=10**9)] | None = Field(
        default=None, description="set the stock outright (a sale made meanwhile is overwritten: prefer stock_delta)"
    )
    stock_delta: Annotated[int, Field(ge=-(10**9), le=10**9)] | None = Field(
        default=None, description="add (or, negative, take) units, counted on what is there now: no sale is lost"
    )
    status: SkuStatus | None = None

    @model_validator(mode="after")
    def _one_way_to_set_stock(self) -> SkuUpdate:
        if self.stock is not None and self.stock_delta is not None:
            raise ValueError("give stock or stock_delta, not both")
        return self


@dataclass(frozen=True)
class SkuSearch:
    q: str | None = None  # in the title or the code, any case
    status: SkuStatus | None = None


class SkuPublic(Public):
    id: str
    brand_id: str
    code: str
    title: str
    image_url: str | None
    price_minor: int
    currency: str
    stock: int
    status: SkuStatus
    created_at: datetime
    updated_at: datetime


class SessionCreate(Request):
    title: Title
    cover_url: Url | None = None
    playback_url: Url | None = Field(default=None, description="HLS (.m3u8) or MP4 from the streaming provider")
    scheduled_start_at: datetime


class SessionUpdate(Request):
    title: Title | None = None
    cover_url: Url | None = None
    playback_url: Url | None = None
    scheduled_start_at: datetime | None = None


class SessionTransition(Request):
    state: SessionState


class SessionPublic(Public):
    id: str
    brand_id: str
    title: str
    cover_url: str | None
    playback_url: str | None
    scheduled_start_at: datetime
    state: SessionState
    started_at: datetime | None
    ended_at: datetime | None
    cancelled_at: datetime | None
    pinned_sku_id: str | None
    pinned_at: datetime | None
    replay_url: str | None = None
    replay_started_at: datetime | None = None
    created_at: datetime


class LineupItemCreate(Request):
    sku_id: str
    position: Annotated[int, Field(ge=0, le=10_000)] = 0
    live_price_minor: MinorUnits | None = None
    limited_quantity: Annotated[int, Field(ge=0, le=10**9)] | None = None


class LineupItemPublic(Public):
    id: str
    session_id: str
    sku_id: str
    code: str
    title: str
    image_url: str | None
    position: int
    price_minor: int = Field(description="the live price if set, else the SKU's price")
    list_price_minor: int
    live_price_minor: int | None
    currency: str
    limited_quantity: int | None
    stock: int


class PinRequest(Request):
    sku_id: str


class PinPublic(Public):
    session_id: str
    sku_id: str | None
    pinned_at: datetime
