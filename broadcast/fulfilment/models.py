"""Tables of fulfilment: the parcels an order ships in and the buyer's after-sales requests.
Lines are `[{"line_id": …, "quantity": …}]` against the order's own lines."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class Fulfilment(StrEnum):
    UNSHIPPED = "unshipped"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"


class AftersaleKind(StrEnum):
    REFUND_ONLY = "refund_only"  # not shipped, or not received
    RETURN_REFUND = "return_refund"


class AftersaleState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # a return waits for the goods; a refund only is being refunded
    REFUSED = "refused"
    REFUNDED = "refunded"


OPEN_AFTERSALE = (AftersaleState.REQUESTED, AftersaleState.APPROVED)


class Parcel(SQLModel, table=True):
    __tablename__ = "parcels"
    __table_args__ = (
        # one tracking number is one parcel of one brand: a second use is a typo or a re-import
        sa.UniqueConstraint("brand_id", "tracking_number", name="uq_parcels_brand_tracking"),
    )

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40)
    carrier: str = Field(max_length=60)
    tracking_number: str = Field(max_length=64)
    lines: list[dict[str, Any]] = json_field(list)
    shipped_at: datetime = utc_field(default_now=True)


class Aftersale(SQLModel, table=True):
    __tablename__ = "aftersales"
    __table_args__ = (
        sa.CheckConstraint("amount_minor > 0", name="ck_aftersales_amount_positive"),
        sa.Index("ix_aftersales_state_due", "state", "auto_approve_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    kind: str = Field(max_length=16)
    state: str = Field(default=AftersaleState.REQUESTED, max_length=16)
    reason: str = Field(max_length=300)
    lines: list[dict[str, Any]] = json_field(list)
    # a "refund only" of units not yet shipped: they are taken off what the brand ships
    before_shipping: bool = False
    amount_minor: int = Field(sa_type=sa.BigInteger)  # the lines' paid amounts: what a refund returns
    currency: str = Field(max_length=3)
    return_address: str | None = Field(default=None, max_length=300)
    refusal_reason: str | None = Field(default=None, max_length=300)
    refund_id: str | None = Field(default=None, max_length=40)
    auto_approve_at: datetime = utc_field()
    requested_at: datetime = utc_field(default_now=True)
    decided_at: datetime | None = utc_field(nullable=True)
    received_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
