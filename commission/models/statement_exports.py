"""Statement exports made in the background: a large range's CSV is written by a job into parts
(kept in the database, so whichever worker — on whichever machine — answers the download can
stream it a part at a time), and this row is what the page follows (state, lines written)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from server.kernel.db import utc_field


class StatementExport(SQLModel, table=True):
    __tablename__ = "statement_exports"
    __table_args__ = (sa.Index("ix_statement_exports_owner", "owner_type", "owner_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=40)
    owner_type: str = Field(max_length=16)  # brand | partner
    owner_id: str = Field(max_length=40)
    since: datetime = utc_field()
    until: datetime = utc_field()
    state: str = Field(default="running", max_length=16)  # running | finished | failed | interrupted
    lines_done: int = Field(default=0, sa_type=sa.BigInteger)
    lines_expected: int = Field(default=0, sa_type=sa.BigInteger)  # from the kept totals: for progress only
    parts: int = 0
    size_bytes: int = Field(default=0, sa_type=sa.BigInteger)
    error: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=80)
    created_at: datetime = utc_field(default_now=True)
    heartbeat_at: datetime = utc_field(default_now=True)
    finished_at: datetime | None = utc_field(nullable=True)


class StatementExportPart(SQLModel, table=True):
    """One part of an export's CSV, in order (the first holds the header)."""

    __tablename__ = "statement_export_parts"

    export_id: str = Field(primary_key=True, max_length=40)
    seq: int = Field(primary_key=True)
    data: str = Field(sa_type=sa.Text)
