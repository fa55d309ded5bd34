"""The API token table. Only a SHA-256 of each token is stored; the token is shown once."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_tokens"

    id: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=120)
    role: str = Field(max_length=16)
    brand_id: str | None = Field(default=None, index=True, max_length=40)
    partner_id: str | None = Field(default=None, index=True, max_length=40)
    token_hash: str = Field(unique=True, max_length=64)
    token_hint: str = Field(max_length=16, description="first characters, to recognise a token in lists")
    created_at: datetime = utc_field(default_now=True)
    revoked_at: datetime | None = utc_field(nullable=True)
