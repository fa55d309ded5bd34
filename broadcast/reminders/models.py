"""Tables of pre-live reminders: who asked to be reminded, one notification each, and where a
brand wants them sent. The contact `address` is personal data: cleared once the notification is
delivered, or `reminder_personal_data_days` after the session ends (see `retention.py`)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class ReminderChannel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    WECHAT = "wechat"
    APP = "app"


class NotificationState(StrEnum):
    """pending → sending (claimed by one worker) → sent | pending again (retry) | failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class ReminderSubscription(SQLModel, table=True):
    __tablename__ = "reminder_subscriptions"
    __table_args__ = (sa.UniqueConstraint("session_id", "visitor_id", name="uq_reminder_session_visitor"),)

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    visitor_id: str = Field(max_length=64)
    channel: str = Field(max_length=16)
    address: str | None = Field(default=None, max_length=320)
    # The partner link code the viewer came through; distribution resolves it to a partner.
    ref: str | None = Field(default=None, index=True, max_length=64)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)
    address_cleared_at: datetime | None = utc_field(nullable=True)
    # Double opt-in: only a confirmed contact gets the live reminder. The nonce is the current
    # confirmation link's secret part (the link is HMAC-signed over it, see `confirm_tokens.py`);
    # it is cleared when used and replaced when the contact changes, so a link works once.
    confirmed_at: datetime | None = utc_field(nullable=True)
    confirm_nonce: str | None = Field(default=None, max_length=32)
    confirm_expires_at: datetime | None = utc_field(nullable=True)


class ReminderNotification(SQLModel, table=True):
    """One per subscription, ever (the unique key makes a replayed 'live' event a no-op)."""

    __tablename__ = "reminder_notifications"

    id: str = Field(primary_key=True, max_length=40)
    subscription_id: str = Field(foreign_key="reminder_subscriptions.id", unique=True, max_length=40)
    session_id: str = Field(index=True, max_length=40)
    brand_id: str = Field(max_length=40)
    state: str = Field(default=NotificationState.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = utc_field(default_now=True, index=True)
    claimed_until: datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    notifier: str | None = Field(default=None, max_length=16)
    sent_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class ReminderConfirmation(SQLModel, table=True):
    """One per confirmation asked for ("check your messages"), delivered like a notification. Kept
    after an unsubscribe (no foreign key): the rows of one client address in the last hour are what
    `reminder_subscriptions_per_client_per_hour` counts, so subscribe-unsubscribe cannot reset it."""

    __tablename__ = "reminder_confirmations"
    __table_args__ = (sa.Index("ix_reminder_confirmations_client", "client_address", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    subscription_id: str = Field(index=True, max_length=40)
    session_id: str = Field(max_length=40)
    brand_id: str = Field(max_length=40)
    nonce: str = Field(max_length=32)  # the subscription's nonce when asked; another one = superseded
    client_address: str | None = Field(default=None, max_length=64)
    state: str = Field(default=NotificationState.PENDING, max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = utc_field(default_now=True, index=True)
    claimed_until: datetime | None = utc_field(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    notifier: str | None = Field(default=None, max_length=16)
    sent_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class BrandNotifier(SQLModel, table=True):
    """A brand's webhook. The secret is kept (not hashed): every payload is signed with it."""

    __tablename__ = "brand_notifiers"

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", unique=True, max_length=40)
    url: str = Field(max_length=500)
    secret: str = Field(max_length=100)
    created_at: datetime = utc_field(default_now=True)
    rotated_at: datetime | None = utc_field(nullable=True)
