"""Events after payment: an order shipped (one event per parcel), delivered, completed; a buyer's
after-sales request and the brand's decision. Money is `*_minor` integers beside `currency`; no
personal data (the brand reads the address from the order itself)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from server.kernel.contracts.base import Event, Instant, Part


class ParcelLine(Part):
    line_id: str
    sku_id: str
    quantity: int


class OrderShipped(Event):
    """A parcel of the order left the brand with a carrier and tracking number."""

    TOPIC = "OrderShipped"
    EMITTED_BY = "broadcast (fulfilment)"
    order_id: str
    brand_id: str
    parcel_id: str
    carrier: str
    tracking_number: str
    lines: list[ParcelLine]
    fulfilment: Literal["partially_shipped", "shipped"] = Field(description="shipped once every unit is in a parcel")
    shipped_at: Instant


class OrderDelivered(Event):
    """The buyer confirmed receipt, or the brand's auto-delivery period after shipping passed."""

    TOPIC = "OrderDelivered"
    EMITTED_BY = "broadcast (fulfilment)"
    order_id: str
    brand_id: str
    by: Literal["buyer", "auto"]
    delivered_at: Instant
    return_window_ends_at: Instant


class OrderCompleted(Event):
    """The return window after delivery passed with no open after-sales request: the sale is final
    (commission under `release_on: completion` is released)."""

    TOPIC = "OrderCompleted"
    EMITTED_BY = "broadcast (fulfilment)"
    order_id: str
    brand_id: str
    session_id: str
    currency: str
    amount_minor: int
    refunded_minor: int = Field(description="refunded before completion")
    completed_at: Instant


class AftersaleLine(Part):
    line_id: str
    quantity: int


class AftersaleRequested(Event):
    """The buyer asked for a refund only or a return and refund."""

    TOPIC = "AftersaleRequested"
    EMITTED_BY = "broadcast (fulfilment)"
    aftersale_id: str
    order_id: str
    brand_id: str
    kind: Literal["refund_only", "return_refund"]
    reason: str
    lines: list[AftersaleLine]
    currency: str
    amount_minor: int = Field(description="what a refund of these lines returns")
    requested_at: Instant
    auto_approve_at: Instant


class AftersaleDecided(Event):
    """The brand (or the auto-approval period) decided a request; a return's receipt and the
    refund are further decisions of the same request."""

    TOPIC = "AftersaleDecided"
    EMITTED_BY = "broadcast (fulfilment)"
    aftersale_id: str
    order_id: str
    brand_id: str
    decision: Literal["approved", "refused", "received", "refunded"]
    by: Literal["brand", "auto"]
    reason: str | None = Field(description="the refusal's reason, or null")
    return_address: str | None
    refund_id: str | None
    decided_at: Instant
