"""Request and response shapes of the distribution end. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from distribution.models import LinkTarget, PartnershipState
from server.kernel.currency import validate_currency

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Contact = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Bps = Annotated[int, Field(ge=0, le=10_000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
Currency = Annotated[str, AfterValidator(validate_currency)]


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class PartnerCreate(Request):
    name: Name
    contact: Contact | None = None
    payout_country: Country | None = None
    parent_id: str | None = Field(default=None, description="a partner token may only create its own guides")


class PartnerMove(Request):
    parent_id: str | None


class PartnerPublic(Public):
    id: str
    name: str
    contact: str | None
    payout_country: str | None
    parent_id: str | None
    created_at: datetime


class PartnershipApply(Request):
    brand_id: str


class PartnershipDecision(Request):
    state: PartnershipState
    commission_bps: Bps | None = Field(default=None, description="null keeps the current rate")
    use_brand_default: bool = Field(
        default=False, description="drop the partnership's own rate: the brand's default applies"
    )
    reason: Reason | None = Field(
        default=None, description="why; required to reject or suspend, and shown to the partner"
    )


class PartnershipPublic(Public):
    id: str
    brand_id: str
    partner_id: str
    state: PartnershipState
    commission_bps: int | None
    decision_reason: str | None = None
    created_at: datetime
    decided_at: datetime | None


class BrandPartnershipPublic(PartnershipPublic):
    """A partnership as its brand sees it: who the partner is and the rate that applies to it."""

    partner_name: str
    parent_partner_id: str | None
    effective_commission_bps: int = Field(description="the partnership's own rate, else the brand's default")
    rate_source: Literal["partnership", "brand_default"]


class LinkCreate(Request):
    target: LinkTarget
    session_id: str | None = None
    sku_id: str | None = None
    brand_id: str | None = Field(default=None, description="for a storefront link")
    label: Label | None = None

    @model_validator(mode="after")
    def _one_target(self) -> LinkCreate:
        needed = {LinkTarget.SESSION: "session_id", LinkTarget.SKU: "sku_id", LinkTarget.STOREFRONT: "brand_id"}
        if getattr(self, needed[self.target]) is None:
            raise ValueError(f"a {self.target.value} link needs {needed[self.target]}")
        return self


class LinkPublic(Public):
    id: str
    code: str
    partner_id: str
    brand_id: str
    target: LinkTarget
    session_id: str | None
    sku_id: str | None
    label: str | None
    created_at: datetime
    url: str = ""
    qr_png: str = ""
    qr_svg: str = ""
    poster_png: str = ""
    share_code: str | None = Field(default=None, description="the 口令 as shown: ZX-ABCD-EFGH (opens /s/{code})")


class FunnelRow(BaseModel):
    partner_id: str
    partner_name: str
    link_id: str | None = None
    code: str | None = None
    label: str | None = None
    clicks: int = 0
    viewers: int = 0
    likes: int = 0
    cart_adds: int = 0
    orders: int = 0
    gmv_minor: int = 0
    commission_estimate_minor: int = 0
    # The replay's share, counted apart from the live (its orders are in `orders` and `gmv_minor` too).
    replay_views: int = 0
    replay_orders: int = 0
    replay_gmv_minor: int = 0


class FunnelOrderPublic(BaseModel):
    order_id: str
    partner_id: str
    buyer: str = Field(description="masked: never a name, phone or email")
    amount_minor: int
    currency: str
    paid_at: datetime


class FunnelSnapshot(BaseModel):
    session_id: str
    brand_id: str
    session_state: str
    currency: Currency
    partners: list[FunnelRow]
    links: list[FunnelRow]
    recent_orders: list[FunnelOrderPublic]
