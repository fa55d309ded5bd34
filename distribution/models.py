"""Tables of the distribution end."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


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
    created_at: datetime = utc_field(default_now=True)
    decided_at: datetime | None = utc_field(nullable=True)
