"""Tables of order webhooks: a brand's endpoints, one delivery per (endpoint, event), and each
attempt at it (the delivery log the brand reads)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class EndpointState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by the brand, or because it kept failing (`disabled_reason` says which)


class DeliveryState(StrEnum):
    """pending → sending (claimed by one worker) → sent | pending again (retry) | failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class WebhookEndpoint(SQLModel, table=True):
    """Kept secrets are not hashed: every delivery is signed with them. During a rotation's overlap
    window the previous secret signs too, until `previous_secret_until`."""

    __tablename__ = "webhook_endpoints"

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    url: str = Field(max_length=500)
    events: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    description: str | None = Field(default=None, max_length=200)
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_until: datetime | None = utc_field(nullable=True)
    state: str = Field(default=EndpointState.ACTIVE, max_length=16)
    disabled_at: datetime | None = utc_field(nullable=True)
    disabled_reason: str | None = Field(default=None, max_length=300)
    consecutive_failures: int = 0
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class WebhookDelivery(SQLModel, table=True):
    """One outbox event for one endpoint. `order_key` (the order, payout or session the event is
    about) orders deliveries: one is not sent while an earlier one with the same key is unfinished."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_endpoint_event"),
        sa.Index("ix_webhook_deliveries_order", "endpoint_id", "order_key", "event_id"),
    )

    id: str = Field(primary_key=True, max_length=40)
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", index=True, max_length=40)
    brand_id: str = Field(max_length=40)
    event_id: str = Field(max_length=40)  # the outbox event's id: time-ordered, the idempotency key
    event: str = Field(max_length=40)  # the webhook event name, e.g. order.paid
    order_key: str = Field(max_length=40)
    body: str = Field(sa_type=sa.Text)  # the exact JSON sent (signed as is), the same on every attempt
    state: str = Field(default=DeliveryState.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = utc_field(default_now=True, index=True)
    claimed_until: datetime | None = utc_field(nullable=True)
    give_up_at: datetime = utc_field()  # retried until then (3 days by default); a replay restarts it
    last_status: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class WebhookAttempt(SQLModel, table=True):
    """One POST: what the receiver answered (status, how fast, the start of its answer) or why not."""

    __tablename__ = "webhook_attempts"

    id: str = Field(primary_key=True, max_length=40)
    delivery_id: str = Field(foreign_key="webhook_deliveries.id", index=True, max_length=40)
    attempted_at: datetime = utc_field(default_now=True)
    outcome: str = Field(max_length=16)
    status: int | None = None
    latency_ms: int | None = None
    excerpt: str | None = Field(default=None, max_length=300)
    error: str | None = Field(default=None, max_length=300)
