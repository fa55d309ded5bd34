"""replays: a session's recording and replay start, the moments of its live, its replay views

Revision ID: 1070
Revises: 1130
Create Date: 2026-11-28 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kernel.db import UTCDateTime

revision: str = "1070"
down_revision: str | Sequence[str] | None = "1130"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replay_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("replay_started_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "replay_moments",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("session_id", sa.String(length=40), sa.ForeignKey("live_sessions.id"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sku_id", sa.String(length=40), nullable=True),
        sa.Column("offset_ms", sa.BigInteger(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("source_id", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_id"),
    )
    op.create_index("ix_replay_moments_session_offset", "replay_moments", ["session_id", "offset_ms"])
    op.create_table(
        "replay_views",
        sa.Column("session_id", sa.String(length=40), sa.ForeignKey("live_sessions.id"), nullable=False),
        sa.Column("visitor_id", sa.String(length=64), nullable=False),
        sa.Column("ref", sa.String(length=64), nullable=True),
        sa.Column("viewed_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "visitor_id"),
    )
    op.create_index("ix_replay_views_ref", "replay_views", ["ref"])


def downgrade() -> None:
    op.drop_index("ix_replay_views_ref", table_name="replay_views")
    op.drop_table("replay_views")
    op.drop_index("ix_replay_moments_session_offset", table_name="replay_moments")
    op.drop_table("replay_moments")
    with op.batch_alter_table("live_sessions", schema=None) as batch_op:
        batch_op.drop_column("replay_started_at")
        batch_op.drop_column("replay_url")
