"""What the admin API and the CLI show of the outbox's dead letters."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class DeadLetterPublic(BaseModel):
    event_id: str
    topic: str
    aggregate_id: str
    handler: str
    attempts: int
    last_error: str
    dead_at: datetime
    created_at: datetime | None = None  # when the event was emitted


class DeadLetterList(BaseModel):
    """The list shape every GET list answers (`server/kernel/pagination.py`), plus how many there are."""

    items: list[DeadLetterPublic]
    next_cursor: str | None = Field(default=None, description="always null: the newest `limit` come in one page")
    total: int


class ReplayRequest(BaseModel):
    """Replay one consumer of the event, or (no handler) every consumer that failed on it."""

    handler: str | None = Field(default=None, max_length=120)


class ReplayResult(BaseModel):
    replayed: int
