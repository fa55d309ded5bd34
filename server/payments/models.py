"""Stripe events as received: one row per Stripe event id, committed in the same transaction as
the event's effects, so a redelivered event is recognised and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class StripeEvent(SQLModel, table=True):
    __tablename__ = "stripe_events"

    id: str = Field(primary_key=True, max_length=255)
    type: str = Field(max_length=80, index=True)
    object_id: str | None = Field(default=None, max_length=255, index=True)
    outcome: str = Field(max_length=60)
    payload: dict[str, Any] = json_field()
    received_at: datetime = utc_field(default_now=True)
