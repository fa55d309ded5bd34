"""Request and response of the commission preview."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from commission.schemas import PolicyUpdate, Request, RuleCreate
from server.kernel.decimals import OptionalDecimalNumber


class PreviewLine(Request):
    sku_id: str = Field(min_length=1, max_length=40)
    amount_minor: Annotated[int, Field(ge=0, le=10**12)] | None = Field(
        default=None, description="the line's amount in minor units; defaults to the SKU's price"
    )


class ProposedChanges(Request):
    """Edits not saved yet; each is checked as saving it would be (the same 404s and 422s)."""

    rule: RuleCreate | None = None
    policy: PolicyUpdate | None = None
    partnership_bps: Annotated[int, Field(ge=0, le=10_000)] | None = Field(
        default=None,
        description="the partner's own rate as it would be; give null to preview the brand default",
    )


class PreviewCreate(Request):
    partner_id: str | None = Field(
        default=None, max_length=40, description="the partner who brought the buyer; null: a direct sale"
    )
    session_id: str | None = Field(default=None, max_length=40, description="the live session it was sold in")
    lines: list[PreviewLine] = Field(min_length=1, max_length=50)
    proposed: ProposedChanges = Field(default_factory=ProposedChanges)


class PreviewShare(BaseModel):
    party: str = Field(description="partner | parent | platform | brand")
    owner_id: str
    owner_name: str
    sku_id: str | None
    base_minor: int
    rate_bps: OptionalDecimalNumber
    amount_minor: int
    rule: str = Field(description="the rule that set the rate, e.g. partner_sku:cmr_…, brand_default:brd_…")


class SplitPreview(BaseModel):
    shares: list[PreviewShare]
    partner_minor: int
    parent_minor: int
    platform_fee_minor: int
    brand_net_minor: int


class PreviewPublic(BaseModel):
    brand_id: str
    currency: str
    amount_minor: int
    current: SplitPreview = Field(description="under the rules as saved")
    proposed: SplitPreview = Field(description="with the proposed changes (the same as current without any)")
