"""Tables of replays: what happened during the live, at which offset from the go-live, and who
watched the replay (one row per viewer and session, with the partner link it came through)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class MomentKind(StrEnum):
    PIN = "pin"  # sku_id: the SKU pinned, or None for an unpin
    PRICE = "price"  # detail.price_minor: the price the room showed from then on
    COUPON = "coupon"  # detail: the coupon's id, title and label
    SOLD_OUT = "sold_out"


class ReplayMoment(SQLModel, table=True):
    """One thing the room showed during the live. `source_id` (the outbox event, or the SKU update)
    makes recording idempotent: a redelivered event records nothing twice."""

    __tablename__ = "replay_moments"
    __table_args__ = (sa.Index("ix_replay_moments_session_offset", "session_id", "offset_ms"),)

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", max_length=40)
    kind: str = Field(max_length=16)
    sku_id: str | None = Field(default=None, max_length=40)
    offset_ms: int = Field(sa_type=sa.BigInteger)
    at: datetime = utc_field()
    detail: dict[str, Any] = json_field()
    source_id: str = Field(max_length=120, unique=True)


class ReplayView(SQLModel, table=True):
    """A viewer who opened the replay: counted once per session, with the link code it came by."""

    __tablename__ = "replay_views"

    session_id: str = Field(primary_key=True, foreign_key="live_sessions.id", max_length=40)
    visitor_id: str = Field(primary_key=True, max_length=64)
    ref: str | None = Field(default=None, max_length=64, index=True)
    viewed_at: datetime = utc_field(default_now=True)
