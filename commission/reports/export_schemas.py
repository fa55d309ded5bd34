"""What the statement export API takes and answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class StatementExportCreate(BaseModel):
    since: str | None = Field(default=None, description="ISO 8601; default 30 days before `until`")
    until: str | None = Field(default=None, description="ISO 8601; default now")


class StatementExportPublic(BaseModel):
    """An export the page follows: `running` until `finished` (then `file_url` downloads the CSV),
    `failed` or `interrupted` (start it again)."""

    id: str
    owner_type: str
    owner_id: str
    since: datetime
    until: datetime
    state: str
    lines_done: int = Field(description="CSV rows written so far (the header included)")
    lines_expected: int = Field(description="about how many lines the period holds (for a progress bar)")
    size_bytes: int
    error: str | None
    created_at: datetime
    finished_at: datetime | None
    file_url: str | None = Field(description="where the finished CSV is downloaded; null until then")
