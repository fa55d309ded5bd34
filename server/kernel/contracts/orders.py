"""Events of an order: added to a cart, stock moved, paid, refunded, or a late payment turned back.
Money is always `*_minor` integers beside their ISO `currency`."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from server.kernel.contracts.base import Event, Instant, Part


class CartItemAdded(Event):
    """A viewer added a SKU to a cart (no personal data)."""

    TOPIC = "CartItemAdded"
    EMITTED_BY = "broadcast (checkout)"
    session_id: str
    sku_id: str
    quantity: int
    ref: str | None = Field(description="the partner's link code the room was opened with, or null")


class StockChanged(Event):
    """Units still available to buy in the session changed."""

    TOPIC = "StockChanged"
    EMITTED_BY = "broadcast (checkout)"
    session_id: str
    sku_id: str
    stock: int = Field(description="units still available to buy in this session")
    sold: int


class OrderLine(Part):
    sku_id: str
    quantity: int
    unit_price_minor: int = Field(description="before discount")
    amount_minor: int = Field(description="paid for the line, after its coupon share")


class Attribution(Part):
    """Who the order is attributed to and why (`distribution.attribution.attribute_order`)."""

    partner_id: str | None
    parent_partner_id: str | None
    link_id: str | None
    click_id: str | None
    rule: str | None
    clicked_at: Instant | None
    bound_since: Instant | None
    self_referral: bool
    earns: bool = Field(description="false when nobody, or a self-referral the brand does not pay")
    policy: dict[str, Any]


class OrderPaid(Event):
    """The signed webhook said the payment succeeded: the order is paid and attributed."""

    TOPIC = "OrderPaid"
    EMITTED_BY = "server (payments webhook), composing broadcast + distribution"
    order_id: str
    brand_id: str
    session_id: str
    visitor_id: str
    currency: str
    amount_minor: int = Field(description="what the buyer paid, after any coupon")
    lines: list[OrderLine]
    paid_at: Instant
    attribution: Attribution
    buyer_key: str | None = Field(
        default=None, description="keyed hash of the billing email, else of the paying browser (no contact)"
    )
    marketing_consent: bool = Field(default=False, description="the buyer ticked the marketing box at checkout")


class OrderRefunded(Event):
    """A refund of an order completed (one event per refund)."""

    TOPIC = "OrderRefunded"
    EMITTED_BY = "server (payments)"
    order_id: str
    refund_id: str
    brand_id: str
    session_id: str
    currency: str
    amount_minor: int = Field(description="this refund")
    refunded_total_minor: int
    order_amount_minor: int
    refunded_at: Instant


class OrderRefundFailed(Event):
    """A refund already credited failed at Stripe (the buyer's bank refused it): the money is the
    brand's again and the commission the refund reversed is added back (one event per failure)."""

    TOPIC = "OrderRefundFailed"
    EMITTED_BY = "server (payments webhook)"
    order_id: str
    refund_id: str
    brand_id: str
    session_id: str
    currency: str
    amount_minor: int = Field(description="the refund that failed")
    refunded_total_minor: int = Field(description="what stays refunded after the failure")
    order_amount_minor: int
    failed_at: Instant


class LatePaymentRejected(Event):
    """A payment arrived after the order's hold lapsed and its units were sold: refund it (a job
    retried until Stripe has done it)."""

    TOPIC = "LatePaymentRejected"
    EMITTED_BY = "server (payments webhook)"
    order_id: str
    payment_intent_id: str
    amount_minor: int
    currency: str
