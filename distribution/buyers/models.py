"""Tables of buyer profiles: one profile per brand and buyer key, and the order facts it is
derived from.

No contact is stored: a profile is keyed by the keyed hash (`contacts.contact_key`) of the
payment's billing email, else of the paying browser. Erasure deletes the profile and keeps its
`buyer_orders` rows unlinked (profile_id NULL): amounts, SKUs and partner, no person."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

BIGINT: Any = sa.BigInteger


class BuyerProfile(SQLModel, table=True):
    __tablename__ = "buyer_profiles"
    __table_args__ = (sa.UniqueConstraint("brand_id", "buyer_key", name="uq_buyer_profiles_brand_key"),)

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40, index=True)
    buyer_key: str = Field(max_length=100)  # `h1-email:<hmac>` or `h1-visitor:<hmac>`, never the contact
    orders_count: int = 0  # paid orders not refunded in full
    net_spend_minor: int = Field(default=0, sa_type=BIGINT)  # paid less refunded, in `currency`
    currency: str = Field(max_length=3)
    first_purchase_at: datetime | None = utc_field(nullable=True)
    last_purchase_at: datetime | None = utc_field(nullable=True)
    partner_id: str | None = Field(default=None, max_length=40, index=True)  # of the latest attributed order
    tags: list[str] = json_field(list)
    marketing_consent: bool = False
    consent_given_at: datetime | None = utc_field(nullable=True)
    consent_withdrawn_at: datetime | None = utc_field(nullable=True)
    created_at: datetime = utc_field(default_now=True)
    updated_at: datetime = utc_field(default_now=True)


class BuyerOrder(SQLModel, table=True):
    """One paid order as the profile counts it; its primary key makes a replayed OrderPaid a no-op."""

    __tablename__ = "buyer_orders"

    order_id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(max_length=40, index=True)
    profile_id: str | None = Field(default=None, foreign_key="buyer_profiles.id", index=True, max_length=40)
    currency: str = Field(max_length=3)
    amount_minor: int = Field(sa_type=BIGINT)
    refunded_minor: int = Field(default=0, sa_type=BIGINT)
    paid_at: datetime = utc_field()
    partner_id: str | None = Field(default=None, max_length=40)
    sku_ids: list[str] = json_field(list)
    marketing_consent: bool = False


class Segment(SQLModel, table=True):
    """A brand's named rules over its buyer profiles (`segment_rules.SegmentRules`)."""

    __tablename__ = "buyer_segments"

    id: str = Field(primary_key=True, max_length=40)
    brand_id: str = Field(foreign_key="brands.id", max_length=40, index=True)
    name: str = Field(max_length=80)
    rules: dict[str, Any] = json_field()
    created_at: datetime = utc_field(default_now=True)
