"""lottery draws

Revision ID: 0820
Revises: 0700
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0820"
down_revision: str | Sequence[str] | None = "0700"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lotteries",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("brand_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("open_session_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("prize", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("winners_count", sa.Integer(), nullable=False),
        sa.Column("entry_kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("keyword", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("purchase_since", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("seed_hex", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("seed_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("entrants_sha256", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("entrant_count", sa.Integer(), nullable=True),
        sa.Column("opened_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closes_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("winners_count >= 1", name="ck_lotteries_winners"),
        sa.ForeignKeyConstraint(
            ["brand_id"],
            ["brands.id"],
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["live_sessions.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_session_id", name="uq_lotteries_one_open_per_session"),
    )
    with op.batch_alter_table("lotteries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lotteries_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lotteries_closes_at"), ["closes_at"], unique=False)

    op.create_table(
        "lottery_entries",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("lottery_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("visitor_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("handle", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("created_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["lottery_id"],
            ["lotteries.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lottery_id", "visitor_id", name="uq_lottery_entries_visitor"),
    )
    with op.batch_alter_table("lottery_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lottery_entries_lottery_id"), ["lottery_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("lottery_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lottery_entries_lottery_id"))
    op.drop_table("lottery_entries")
    with op.batch_alter_table("lotteries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lotteries_closes_at"))
        batch_op.drop_index(batch_op.f("ix_lotteries_session_id"))
    op.drop_table("lotteries")
