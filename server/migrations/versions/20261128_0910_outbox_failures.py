"""outbox: per-(event, consumer) backoff and dead letters

Revision ID: 0910
Revises: 0850
Create Date: 2026-11-28 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0910"
down_revision: str | Sequence[str] | None = "0850"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outbox_failures",
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("handler", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("failed_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("dead_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("event_id", "handler"),
    )
    with op.batch_alter_table("outbox_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_failures_dead_at"), ["dead_at"], unique=False)
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_events", schema=None) as batch_op:
        batch_op.drop_column("next_attempt_at")
    with op.batch_alter_table("outbox_failures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_failures_dead_at"))
    op.drop_table("outbox_failures")
