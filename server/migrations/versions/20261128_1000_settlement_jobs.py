"""settlement_jobs: settlements run in the background, followed by the finance page

Revision ID: 1000
Revises: 1040
Create Date: 2026-11-28 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1000"
down_revision: str | Sequence[str] | None = "1040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "settlement_jobs",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("state", TEXT(length=16), nullable=False),
        sa.Column("running_slot", TEXT(length=16), nullable=True),
        sa.Column("phase", TEXT(length=16), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("run_id", TEXT(length=40), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("error", TEXT(length=500), nullable=True),
        sa.Column("created_by", TEXT(length=80), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("heartbeat_at", WHEN(timezone=True), nullable=False),
        sa.Column("finished_at", WHEN(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("running_slot"),
    )


def downgrade() -> None:
    op.drop_table("settlement_jobs")
