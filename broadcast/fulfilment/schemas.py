"""Request and response shapes of fulfilment and after-sales. Requests forbid unknown fields."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from broadcast.schemas import Public, Request

Carrier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Tracking = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9-]{4,64}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class LineQuantity(Request):
    line_id: str = Field(max_length=40)
    quantity: int = Field(ge=1, le=10_000)


class ParcelCreate(Request):
    carrier: Carrier
    tracking_number: Tracking
    lines: list[LineQuantity] | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="units in this parcel; omitted: every unit not yet shipped",
    )


class ParcelPublic(Public):
    id: str
    order_id: str
    carrier: str
    tracking_number: str
    lines: list[dict[str, object]]
    shipped_at: datetime


class AftersaleCreate(Request):
    kind: Literal["refund_only", "return_refund"]
    reason: Reason
    lines: list[LineQuantity] = Field(min_length=1, max_length=100)


class AftersaleDecision(Request):
    decision: Literal["approve", "refuse"]
    reason: Reason | None = Field(default=None, description="required to refuse")
    return_address: Address | None = Field(default=None, description="for a return; default: the brand's setting")


class AftersalePublic(Public):
    id: str
    order_id: str
    brand_id: str
    kind: str
    state: str
    reason: str
    lines: list[dict[str, object]]
    amount_minor: int
    currency: str
    return_address: str | None
    refusal_reason: str | None
    refund_id: str | None
    auto_approve_at: datetime
    requested_at: datetime
    decided_at: datetime | None
    received_at: datetime | None
    closed_at: datetime | None


class FulfilmentPublic(BaseModel):
    """The buyer's (and the brand's) view of an order after payment."""

    model_config = ConfigDict(from_attributes=True)
    order_id: str
    state: str
    fulfilment: str
    currency: str
    amount_minor: int
    refunded_minor: int
    shipped_at: datetime | None
    delivered_at: datetime | None
    completed_at: datetime | None
    next_step_due_at: datetime | None
    lines: list[dict[str, object]]
    parcels: list[ParcelPublic]
    aftersales: list[AftersalePublic]
    can_confirm_delivery: bool
    can_request_aftersale: bool


class TrackingRowResult(BaseModel):
    row: int
    order_id: str | None
    result: Literal["shipped", "refused"]
    reason: str | None = None
    parcel_id: str | None = None
    fulfilment: str | None = None


class TrackingImportPublic(BaseModel):
    shipped: int
    refused: int
    rows: list[TrackingRowResult]

    @classmethod
    def of(cls, results: list[dict[str, object]]) -> TrackingImportPublic:
        rows = [TrackingRowResult.model_validate(r) for r in results]
        shipped = sum(r.result == "shipped" for r in rows)
        return cls(shipped=shipped, refused=len(rows) - shipped, rows=rows)
