"""Tables of the distribution end."""

from __future__ import annotations

from datetime import datetime

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
