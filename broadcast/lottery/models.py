"""Tables of the lottery: one row per draw, one per entrant (winners carry their rank).

`open_session_id` is the session id while the draw is open and NULL once closed: its unique
constraint is what keeps one open lottery per session, even against concurrent opens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class LotteryState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class EntryKind(StrEnum):
    COMMENT_KEYWORD = "comment_keyword"
    LIKE = "like"
    PURCHASE = "purchase"


class Lottery(SQLModel, table=True):
    __tablename__ = "lotteries"
    __table_args__ = (
        sa.UniqueConstraint("open_session_id", name="uq_lotteries_one_open_per_session"),
        sa.CheckConstraint("winners_count >= 1", name="ck_lotteries_winners"),
    )

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40)
    open_session_id: str | None = Field(default=None, max_length=40)
    state: str = Field(default=LotteryState.OPEN, max_length=16)
    prize: str = Field(max_length=200)
    winners_count: int
    entry_kind: str = Field(max_length=24)
    keyword: str | None = Field(default=None, max_length=40)
    purchase_since: datetime | None = utc_field(nullable=True)
    rule: str = Field(max_length=32)
    seed_hex: str = Field(max_length=64)  # secret until the draw closes
    seed_sha256: str = Field(max_length=64)
    entrants_sha256: str | None = Field(default=None, max_length=64)
    entrant_count: int | None = None  # frozen at close
    opened_at: datetime = utc_field(default_now=True)
    closes_at: datetime | None = utc_field(nullable=True, index=True)
    closed_at: datetime | None = utc_field(nullable=True)


class LotteryEntry(SQLModel, table=True):
    __tablename__ = "lottery_entries"
    __table_args__ = (sa.UniqueConstraint("lottery_id", "visitor_id", name="uq_lottery_entries_visitor"),)

    id: str = Field(primary_key=True, max_length=40)
    lottery_id: str = Field(foreign_key="lotteries.id", index=True, max_length=40)
    visitor_id: str = Field(max_length=64)
    handle: str = Field(max_length=16)
    rank: int | None = None  # 1, 2, ... for winners, set at close
    display_name: str | None = Field(default=None, max_length=40)  # a winner's comment author name
    created_at: datetime = utc_field(default_now=True)
