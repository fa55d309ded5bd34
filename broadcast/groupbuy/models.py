"""Tables of group-buy: the brand's offers, the groups buyers open, and their seats."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field

BIGINT: Any = sa.BigInteger


class GroupState(StrEnum):
    OPEN = "open"  # seats may be taken until `expires_at`
    FILLED = "filled"  # N seats taken and N orders paid: the orders proceed
    EXPIRED = "expired"  # time ran out first: paid orders refunded, unpaid ones closed


class GroupOffer(SQLModel, table=True):
    __tablename__ = "group_offers"
    __table_args__ = (
        sa.CheckConstraint("group_price_minor > 0", name="ck_group_offers_price_positive"),
        sa.CheckConstraint("group_size >= 2 AND group_size <= 50", name="ck_group_offers_size"),
        sa.CheckConstraint("window_minutes >= 1 AND window_minutes <= 1440", name="ck_group_offers_window"),
    )

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", index=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    sku_id: str = Field(foreign_key="skus.id", max_length=40)
    group_price_minor: int = Field(sa_type=BIGINT)
    currency: str = Field(max_length=3)
    group_size: int
    window_minutes: int
    active: bool = True
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class Group(SQLModel, table=True):
    __tablename__ = "buy_groups"
    __table_args__ = (
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= group_size", name="ck_buy_groups_seats"),
        sa.Index("ix_buy_groups_state_expires_at", "state", "expires_at"),
    )

    id: str = Field(primary_key=True, max_length=40)
    code: str = Field(max_length=24, unique=True)
    offer_id: str = Field(foreign_key="group_offers.id", index=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40)
    state: str = Field(default=GroupState.OPEN, max_length=16)
    group_size: int
    seats_taken: int = 0
    # The partner link code the opener came through (unverified, like the live room's `ref`): the
    # share URL goes through that link, so joiners are attributed as any click on it would be.
    ref: str | None = Field(default=None, max_length=64)
    opener_visitor_id: str = Field(max_length=64)
    expires_at: datetime = utc_field()
    filled_at: datetime | None = utc_field(nullable=True)
    closed_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)


class GroupMember(SQLModel, table=True):
    """A seat: one buyer's order in one group. `released_at` is set when its order lapsed or was
    cancelled unpaid while the group was open (the seat went back)."""

    __tablename__ = "group_members"
    # One held seat per visitor and group; a visitor whose seat was released may join again.
    __table_args__ = (
        sa.Index(
            "uq_group_members_held_seat",
            "group_id",
            "visitor_id",
            unique=True,
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        ),
    )

    id: str = Field(primary_key=True, max_length=40)
    group_id: str = Field(foreign_key="buy_groups.id", index=True, max_length=40)
    visitor_id: str = Field(max_length=64)
    order_id: str = Field(foreign_key="orders.id", unique=True, max_length=40)
    joined_at: datetime = utc_field(default_now=True)
    released_at: datetime | None = utc_field(nullable=True)
    # Set once the unit of a seat refunded on expiry went back to stock (a re-run restocks nothing).
    restocked_at: datetime | None = utc_field(nullable=True)
