"""The live room's one table: comments, kept so late joiners see the last ones and a brand can
remove one (soft delete: the row stays as the record of what was said and who removed it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class RoomComment(SQLModel, table=True):
    __tablename__ = "room_comments"

    id: str = Field(primary_key=True, max_length=40)
    session_id: str = Field(foreign_key="live_sessions.id", index=True, max_length=40)
    visitor_id: str = Field(max_length=64)
    ref: str | None = Field(default=None, max_length=64)
    author: str = Field(max_length=40)
    text: str = Field(max_length=200)
    created_at: datetime = utc_field(default_now=True)
    deleted_at: datetime | None = utc_field(nullable=True)
    deleted_by_token_id: str | None = Field(default=None, max_length=40)
