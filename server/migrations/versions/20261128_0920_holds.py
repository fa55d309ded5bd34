"""holds: the client address on orders (open unpaid holds per client); reminder confirmations (double opt-in)

Revision ID: 0920_holds
Revises: 0910, 0840
Create Date: 2026-11-28 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0920_holds"
down_revision: str | Sequence[str] | None = ("0910", "0840")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None  # 0840 (reminder_subscriptions) is a parent


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index("ix_orders_session_client", ["session_id", "client_address"], unique=False)
    # Subscriptions made before double opt-in stay unconfirmed: they are not reminded (nobody
    # confirmed that those contacts asked for it).
    with op.batch_alter_table("reminder_subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("confirm_nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column("confirm_expires_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "reminder_confirmations",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("subscription_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("session_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("brand_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("notifier", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column("sent_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reminder_confirmations", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_confirmations_client", ["client_address", "created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_confirmations_next_attempt_at"), ["next_attempt_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_reminder_confirmations_subscription_id"), ["subscription_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder_confirmations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_confirmations_subscription_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_confirmations_next_attempt_at"))
        batch_op.drop_index("ix_reminder_confirmations_client")
    op.drop_table("reminder_confirmations")
    with op.batch_alter_table("reminder_subscriptions", schema=None) as batch_op:
        batch_op.drop_column("confirm_expires_at")
        batch_op.drop_column("confirm_nonce")
        batch_op.drop_column("confirmed_at")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_session_client")
        batch_op.drop_column("client_address")
