"""Tables of the distribution end."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field


class Partner(SQLModel, table=True):
    """A channel partner (渠道商) or, with a parent, one of its store guides (导购)."""

    __tablename__ = "partners"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    contact: str | None = Field(default=None, max_length=200)
    payout_country: str | None = Field(default=None, max_length=2)
    parent_id: str | None = Field(default=None, foreign_key="partners.id", index=True, max_length=40)
    created_at: datetime = utc_field(default_now=True)


class PartnershipState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class Partnership(SQLModel, table=True):
    """A partner's standing with one brand: applied, approved, rejected or suspended, and the
    default commission rate (basis points) the brand pays it."""

    __tablename__ = "partnerships"
    __table_args__ = (sa.UniqueConstraint("brand_id", "partner_id", name="uq_partnership_brand_partner"),)

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    partner_id: str = Field(foreign_key="partners.id", index=True, max_length=40)
    state: str = Field(default=PartnershipState.PENDING, max_length=16)
    commission_bps: int | None = Field(default=None, description="null: the brand's default rate")
    decision_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc_field(default_now=True)
    decided_at: datetime | None = utc_field(nullable=True)


class LinkTarget(StrEnum):
    SESSION = "session"
    SKU = "sku"
    STOREFRONT = "storefront"


class Link(SQLModel, table=True):
    """A partner's trackable link to a session, a SKU or a brand's storefront. `code` is the short
    public part of `/l/{code}`: random, so it can be neither guessed nor derived from the id.
    `share_code` is the 口令: a shorter code a person can paste where an app strips URLs (`/s/{share_code}`)."""

    __tablename__ = "links"
    __table_args__ = (sa.Index("ix_links_share_code", "share_code", unique=True),)

    id: str = Field(primary_key=True, max_length=40)
    code: str = Field(unique=True, max_length=24)
    partner_id: str = Field(foreign_key="partners.id", index=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    target: str = Field(max_length=16)
    session_id: str | None = Field(default=None, index=True, max_length=40)
    sku_id: str | None = Field(default=None, max_length=40)
    label: str | None = Field(default=None, max_length=80)
    share_code: str | None = Field(default=None, max_length=12)
    created_at: datetime = utc_field(default_now=True)


class Click(SQLModel, table=True):
    """One visit through a link. Only visits that are neither bots nor duplicates (the same visitor
    on the same link within the de-duplication window) count; the others are kept for audit."""

    __tablename__ = "clicks"
    __table_args__ = (
        sa.Index("ix_clicks_visitor_clicked", "visitor_id", "clicked_at"),
        # the funnel's counted clicks per (session, link): an index-only count of just those rows
        sa.Index(
            "ix_clicks_session_link_counted",
            "session_id",
            "link_id",
            postgresql_where=sa.text("NOT is_bot AND NOT is_duplicate"),
            sqlite_where=sa.text("NOT is_bot AND NOT is_duplicate"),
        ),
    )

    id: str = Field(primary_key=True, max_length=40)
    # Indexed only for what reads them (the funnel by session, attribution by visitor): every
    # index is paid for on each of the thousands of inserts a second.
    link_id: str = Field(max_length=40)
    partner_id: str = Field(max_length=40)
    brand_id: str = Field(max_length=40)
    session_id: str | None = Field(default=None, index=True, max_length=40)
    visitor_id: str = Field(max_length=64)
    is_bot: bool = False
    is_duplicate: bool = False
    user_agent: str | None = Field(default=None, max_length=200)
    clicked_at: datetime = utc_field()


class Attribution(SQLModel, table=True):
    """Why a paid order earns (or does not earn) for a partner: the rule, link and click, and the
    brand's policy as it stood when the order was paid."""

    __tablename__ = "attributions"

    id: str = Field(primary_key=True, max_length=40)
    order_id: str = Field(unique=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    session_id: str | None = Field(default=None, max_length=40)
    partner_id: str | None = Field(default=None, index=True, max_length=40)
    parent_partner_id: str | None = Field(default=None, max_length=40)
    link_id: str | None = Field(default=None, max_length=40)
    click_id: str | None = Field(default=None, max_length=40)
    rule: str = Field(max_length=24)
    self_referral: bool = False
    earns: bool = False
    clicked_at: datetime | None = utc_field(nullable=True)
    bound_since: datetime | None = utc_field(nullable=True)
    policy: dict[str, Any] = json_field()
    paid_at: datetime = utc_field()
    created_at: datetime = utc_field(default_now=True)


class CustomerBinding(SQLModel, table=True):
    """锁粉: a buyer (by a hashed key: email, phone or visitor id) bound to a partner for a brand
    until `expires_at` (null: forever)."""

    __tablename__ = "customer_bindings"
    __table_args__ = (sa.Index("ix_bindings_brand_key", "brand_id", "buyer_key"),)

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(max_length=40)
    buyer_key: str = Field(max_length=80)
    partner_id: str = Field(index=True, max_length=40)
    order_id: str = Field(max_length=40)
    bound_since: datetime = utc_field()
    expires_at: datetime | None = utc_field(nullable=True)


class PartnerDevice(SQLModel, table=True):
    """A visitor id seen on a partner's own signed-in console: orders from it are self-referrals."""

    __tablename__ = "partner_devices"

    partner_id: str = Field(primary_key=True, max_length=40)
    visitor_id: str = Field(primary_key=True, max_length=64, index=True)
    seen_at: datetime = utc_field(default_now=True)


class FunnelOrder(SQLModel, table=True):
    """An attributed paid order as the partner funnel sees it (from `OrderPaid`): no buyer data
    beyond a masked tag."""

    __tablename__ = "funnel_orders"
    __table_args__ = (
        sa.Index("ix_funnel_orders_session_paid", "session_id", "paid_at"),  # recent orders
        sa.Index("ix_funnel_orders_session_partner_paid", "session_id", "partner_id", "paid_at"),  # one partner's
    )

    order_id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(index=True, max_length=40)
    session_id: str | None = Field(default=None, index=True, max_length=40)
    partner_id: str = Field(index=True, max_length=40)
    link_id: str | None = Field(default=None, max_length=40)
    amount_minor: int = Field(sa_type=sa.BigInteger)
    refunded_minor: int = Field(default=0, sa_type=sa.BigInteger)
    currency: str = Field(max_length=3)
    earns: bool = True
    buyer_tag: str = Field(max_length=16)
    paid_at: datetime = utc_field()


class FunnelLinkClicks(SQLModel, table=True):
    """Counted clicks (neither bot nor duplicate) per session and link, kept by the click flusher
    in the transaction that writes the clicks: the funnel reads a few rows, not every click."""

    __tablename__ = "funnel_link_clicks"

    session_id: str = Field(primary_key=True, max_length=40)
    link_id: str = Field(primary_key=True, max_length=40)
    partner_id: str = Field(primary_key=True, max_length=40)
    clicks: int = Field(default=0, sa_type=sa.BigInteger)


class FunnelOrderGroup(SQLModel, table=True):
    """How many of a session's orders share partner, link ('' for none), earning flag and net
    amount (the estimate rounds per order, so equal amounts are counted, not summed). Kept with
    `funnel_orders` in the same transactions: a refund moves its order from one net to another."""

    __tablename__ = "funnel_order_groups"

    session_id: str = Field(primary_key=True, max_length=40)
    partner_id: str = Field(primary_key=True, max_length=40)
    link_id: str = Field(primary_key=True, max_length=40)
    earns: bool = Field(primary_key=True)
    net_minor: int = Field(primary_key=True, sa_type=sa.BigInteger)
    orders: int = Field(default=0, sa_type=sa.BigInteger)
