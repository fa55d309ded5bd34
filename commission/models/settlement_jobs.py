"""Settlement jobs: a settlement started from the API or the finance page runs in the background,
and this row is what the page follows (phase, progress, result) and still finds after a reload."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel import Field, SQLModel

from server.kernel.db import json_field, utc_field

RUNNING_SLOT = "settlement"  # `running_slot` of the one job running; NULL once it has ended


class JobState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # every payout recorded (paid or refused)
    INCOMPLETE = "incomplete"  # some transfers got no answer: their payouts stay in flight
    FAILED = "failed"  # the run could not go on (its reason in `error`); nothing half-booked
    INTERRUPTED = "interrupted"  # its worker stopped answering; the next run resends what is in flight


class SettlementJob(SQLModel, table=True):
    __tablename__ = "settlement_jobs"

    id: str = Field(primary_key=True, max_length=40)
    state: str = Field(default=JobState.RUNNING, max_length=16)
    # Unique, and NULL once the job ends: a second start while one runs fails on it (409), on
    # every database and across workers.
    running_slot: str | None = Field(default=RUNNING_SLOT, unique=True, max_length=16)
    phase: str = Field(default="queued", max_length=16)
    request: dict[str, Any] = json_field()
    progress_done: int = 0
    progress_total: int = 0
    run_id: str | None = Field(default=None, max_length=40)
    result: dict[str, Any] = json_field()  # the settlement report once it has ended
    error: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = utc_field(default_now=True)
    heartbeat_at: datetime = utc_field(default_now=True)
    finished_at: datetime | None = utc_field(nullable=True)
