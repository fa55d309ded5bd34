"""Tables of the live end. Money is integer minor units beside an ISO 4217 currency."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class SkuStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class SessionState(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"
    CANCELLED = "cancelled"
    REPLAY = "replay"  # ended, with its recording attached: it sells again (broadcast/replays)


class Brand(SQLModel, table=True):
    __tablename__ = "brands"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    slug: str = Field(max_length=60, unique=True)
    default_currency: str = Field(max_length=3)
    settings: dict[str, Any] = json_field()
    created_at: datetime = utc_field(default_now=True)


class Sku(SQLModel, table=True):
    __tablename__ = "skus"
    __table_args__ = (
        sa.UniqueConstraint("brand_id", "code", name="uq_skus_brand_code"),
        sa.CheckConstraint("price_minor >= 0", name="ck_skus_price_nonnegative"),
        sa.CheckConstraint("stock >= 0", name="ck_skus_stock_nonnegative"),
    )

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    code: str = Field(max_length=64)
    title: str = Field(max_length=200)
    image_url: str | None = Field(default=None, max_length=500)
    price_minor: int = Field(sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    stock: int = 0
    status: str = Field(default=SkuStatus.ACTIVE, max_length=16)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class LiveSession(SQLModel, table=True):
    __tablename__ = "live_sessions"

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    title: str = Field(max_length=200)
    cover_url: str | None = Field(default=None, max_length=500)
    playback_url: str | None = Field(default=None, max_length=500)
    scheduled_start_at: datetime = utc_field()
    state: str = Field(default=SessionState.SCHEDULED, max_length=16, index=True)
    started_at: datetime | None = utc_field(nullable=True)
    ended_at: datetime | None = utc_field(nullable=True)
    cancelled_at: datetime | None = utc_field(nullable=True)
    pinned_sku_id: str | None = Field(default=None, max_length=40)
    pinned_at: datetime | None = utc_field(nullable=True)
    replay_url: str | None = Field(default=None, max_length=500)
    replay_started_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class LineupItem(SQLModel, table=True):
    __tablename__ = "lineup_items"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "sku_id", name="uq_lineup_session_sku"),
        sa.CheckConstraint("live_price_minor IS NULL OR live_price_minor >= 0", name="ck_lineup_price"),
        sa.CheckConstraint("limited_quantity IS NULL OR limited_quantity >= 0", name="ck_lineup_limit"),
    )

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    sku_id: str = Field(foreign_key="skus.id", index=True, max_length=40)
    position: int = 0
    live_price_minor: int | None = Field(default=None, sa_type=sa.BigInteger)
    limited_quantity: int | None = None
    created_at: datetime = utc_field(default_now=True)


class PinEvent(SQLModel, table=True):
    """Every pin and unpin, with its time: the brand's record of what was explained when."""

    __tablename__ = "pin_events"

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    sku_id: str | None = Field(default=None, max_length=40)
    pinned_at: datetime = utc_field(default_now=True)
    by_token_id: str | None = Field(default=None, max_length=40)
