"""Tables of checkout: cart lines, orders with their lines and history, stock counters, refunds.

Personal data is minimal (one contact, one address line) and lives only on `orders`; it is cleared
as soon as it is no longer needed — at once when an order is cancelled or expires, and
`order_personal_data_days` after payment (the sweeper in `expiry.py`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

BIGINT: Any = sa.BigInteger


class OrderState(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    # An asynchronous method (a bank debit, some wallets) is confirming: still unpaid, stock still
    # held (longer), paid or cancelled only by Stripe's later webhook.
    PROCESSING = "processing"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class RefundState(StrEnum):
    PENDING = "pending"  # written before the Stripe call, so concurrent refunds cannot exceed the order
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class CartItem(SQLModel, table=True):
    __tablename__ = "cart_items"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "visitor_id", "sku_id", name="uq_cart_items_line"),
        sa.CheckConstraint("quantity > 0", name="ck_cart_items_quantity"),
    )

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", max_length=40)
    visitor_id: str = Field(max_length=64, index=True)
    sku_id: str = Field(foreign_key="skus.id", max_length=40)
    quantity: int
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "visitor_id", "idempotency_key", name="uq_orders_idempotency"),
        sa.CheckConstraint("amount_minor > 0", name="ck_orders_amount_positive"),
        sa.CheckConstraint("refunded_minor >= 0 AND refunded_minor <= amount_minor", name="ck_orders_refunded"),
        sa.Index("ix_orders_state_reserved_until", "state", "reserved_until"),
        sa.Index("ix_orders_session_client", "session_id", "client_address"),
        sa.Index("ix_orders_brand_id_id", "brand_id", "id"),  # a brand's orders by id, in multi-brand databases
        sa.Index("ix_orders_fulfilment_due", "fulfilment", "fulfilment_due_at"),  # the fulfilment sweeper
        sa.Index("ix_orders_session_paid", "session_id", "paid_at"),  # a minute's payments (the dashboard)
    )

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    visitor_id: str = Field(max_length=64, index=True)
    idempotency_key: str = Field(max_length=100)
    state: str = Field(default=OrderState.PENDING_PAYMENT, max_length=24)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=BIGINT)  # what the buyer pays: the lines' prices less the discount
    discount_minor: int = Field(default=0, sa_type=BIGINT)
    coupon_claim_id: str | None = Field(default=None, max_length=40)
    refunded_minor: int = Field(default=0, sa_type=BIGINT)
    reserved_until: datetime = utc_field()
    payment_intent_id: str | None = Field(default=None, max_length=255, index=True)
    attribution_token: str | None = Field(default=None, max_length=2000)
    contact_name: str | None = Field(default=None, max_length=100)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=32)
    shipping_address: str | None = Field(default=None, max_length=300)
    # Where the checkout came from: counts the client's open unpaid holds (`holds/guard.py`);
    # personal data, forgotten with the contact.
    client_address: str | None = Field(default=None, max_length=64)
    personal_data_cleared_at: datetime | None = utc_field(nullable=True)
    marketing_consent: bool = False  # the separate, unticked box at checkout: the brand may market to the buyer
    paid_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    # After payment, beside the payment state (`broadcast.fulfilment.states`): unshipped →
    # partially_shipped → shipped → delivered → completed. `fulfilment_due_at` is when the next
    # automatic step is due (delivery after shipping, completion after the return window), frozen
    # from the brand's settings when the step before happened.
    fulfilment: str = Field(default="unshipped", max_length=24, sa_column_kwargs={"server_default": "unshipped"})
    fulfilment_due_at: datetime | None = utc_field(nullable=True)
    shipped_at: datetime | None = utc_field(nullable=True)
    delivered_at: datetime | None = utc_field(nullable=True)
    completed_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class OrderLine(SQLModel, table=True):
    __tablename__ = "order_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="ck_order_lines_quantity"),)

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    sku_id: str = Field(foreign_key="skus.id", index=True, max_length=40)
    title: str = Field(max_length=200)
    quantity: int
    unit_price_minor: int = Field(sa_type=BIGINT)  # before any discount
    amount_minor: int = Field(sa_type=BIGINT)  # paid for this line: unit price × quantity − discount
    discount_minor: int = Field(default=0, sa_type=BIGINT)
    currency: str = Field(max_length=3)


class OrderEvent(SQLModel, table=True):
    """Every state change of an order, with why and from where: the order's history."""

    __tablename__ = "order_events"

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    from_state: str | None = Field(default=None, max_length=24)
    to_state: str = Field(max_length=24)
    reason: str = Field(max_length=60)
    data: dict[str, Any] = json_field()
    at: datetime = utc_field(default_now=True)


class StockCounter(SQLModel, table=True):
    """Units of one SKU held or sold in one session: the limited live quantity is checked here.

    The SKU's own `stock` is the brand's units still free to sell anywhere; a reservation moves
    units from `skus.stock` to `reserved_units`, payment moves them on to `sold_units`, an expiry
    or cancellation moves them back. Units are conserved: stock + reserved + sold is constant."""

    __tablename__ = "stock_counters"
    __table_args__ = (
        sa.CheckConstraint("reserved_units >= 0", name="ck_stock_counters_reserved"),
        sa.CheckConstraint("sold_units >= 0", name="ck_stock_counters_sold"),
    )

    session_id: str = Field(foreign_key="live_sessions.id", primary_key=True, max_length=40)
    sku_id: str = Field(foreign_key="skus.id", primary_key=True, max_length=40)
    reserved_units: int = 0
    sold_units: int = 0


class Refund(SQLModel, table=True):
    __tablename__ = "refunds"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "idempotency_key", name="uq_refunds_idempotency"),
        sa.CheckConstraint("amount_minor > 0", name="ck_refunds_amount_positive"),
        # The key of a refund wherever it was made (our API, the Stripe Dashboard): applied once.
        sa.Index("uq_refunds_stripe_refund_id", "stripe_refund_id", unique=True),
    )

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(foreign_key="orders.id", index=True, max_length=40)
    idempotency_key: str = Field(max_length=100)
    state: str = Field(default=RefundState.PENDING, max_length=16)
    amount_minor: int = Field(sa_type=BIGINT)
    currency: str = Field(max_length=3)
    reason: str | None = Field(default=None, max_length=200)
    stripe_refund_id: str | None = Field(default=None, max_length=255)
    failure: str | None = Field(default=None, max_length=300)
    requested_by: str | None = Field(default=None, max_length=40)
    created_at: datetime = utc_field(default_now=True)
    completed_at: datetime | None = utc_field(nullable=True)
