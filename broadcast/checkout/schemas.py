"""Request and response shapes of carts, checkout, orders and refunds.

Requests forbid unknown fields. A coupon is applied by naming one of the visitor's claims
(`coupon_claim_id`); the server computes the discount. A price or currency
sent with a cart line is accepted and ignored on purpose — old clients send them — and the
server's price always applies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from broadcast.schemas import Public, Request

Quantity = Annotated[int, Field(ge=1, le=10_000)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ()-]{5,32}$")]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class CartItemSet(Request):
    sku_id: str = Field(max_length=40)
    quantity: Quantity
    price_minor: int | None = Field(default=None, description="ignored: the server's price applies")
    unit_price_minor: int | None = Field(default=None, description="ignored: the server's price applies")
    currency: str | None = Field(default=None, max_length=8, description="ignored: the SKU's currency applies")


class CartLinePublic(Public):
    sku_id: str
    title: str
    quantity: int
    unit_price_minor: int
    amount_minor: int
    currency: str


class CartPublic(Public):
    session_id: str
    lines: list[CartLinePublic]
    amount_minor: int
    currency: str | None
    per_buyer_limit_per_sku: int


class Contact(Request):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    email: Email | None = None
    phone: Phone | None = None

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not self.email and not self.phone:
            raise ValueError("give an email or a phone number so the brand can reach you about this order")
        return self


class CheckoutRequest(Request):
    contact: Contact
    shipping_address: Line
    coupon_claim_id: str | None = Field(
        default=None, max_length=40, description="one of the visitor's unused coupon claims"
    )
    marketing_consent: bool = Field(
        default=False, description="the buyer ticked the separate box: the brand may send offers (revocable)"
    )


class OrderLinePublic(Public):
    sku_id: str
    title: str
    quantity: int
    unit_price_minor: int
    amount_minor: int
    discount_minor: int = 0
    currency: str


class OrderPublic(Public):
    id: str
    brand_id: str
    session_id: str
    state: str
    currency: str
    amount_minor: int
    discount_minor: int = 0
    coupon_claim_id: str | None = None
    refunded_minor: int
    reserved_until: datetime
    payment_intent_id: str | None
    paid_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    lines: list[OrderLinePublic]


class PaymentPublic(Public):
    """How to pay an order: render Stripe's Payment Element from `amount_minor`/`currency`
    (deferred mode), and when the buyer presses Pay, POST `intent_url` for the client secret."""

    intent_url: str = Field(description="POST (visitor cookie): the order's PaymentIntent and its client secret")
    amount_minor: int
    currency: str
    test_payment_url: str | None = Field(description="TEST MODE ONLY: POST to pay server-side with a test card")


class CheckoutPublic(Public):
    order: OrderPublic
    payment: PaymentPublic | None = Field(description="how to pay; null once the order no longer waits for payment")
    test_payments: bool = Field(description="the server can confirm with a test card (Stripe test mode only)")


class PaymentIntentPublic(Public):
    order_id: str
    payment_intent_id: str
    client_secret: str | None = Field(description="for Stripe.js `confirmPayment({elements, clientSecret})`")
    status: str
    amount_minor: int
    currency: str


class OrderEventPublic(Public):
    from_state: str | None
    to_state: str
    reason: str
    at: datetime
    # what support needs to follow the money: refund and Stripe refund ids, amounts, intent ids
    data: dict[str, Any] = Field(default_factory=dict)


class OrderDetailPublic(OrderPublic):
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None
    shipping_address: str | None
    personal_data_cleared_at: datetime | None
    history: list[OrderEventPublic]


class RefundCreate(Request):
    amount_minor: Annotated[int, Field(ge=1, le=10**12)] | None = Field(
        default=None, description="omit for the whole remaining amount"
    )
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class RefundPublic(Public):
    id: str
    order_id: str
    state: str
    amount_minor: int
    currency: str
    reason: str | None
    stripe_refund_id: str | None
    created_at: datetime
    completed_at: datetime | None
    order_refunded_minor: int = 0
    order_state: str = ""
