"""disputes: commission_disputes, and the dispute holding an order's commission

Revision ID: 0950_disputes_ledger
Revises: 0940_refunds_stripe_refunds
Create Date: 2026-11-28 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0950_disputes_ledger"
down_revision: str | Sequence[str] | None = "0940_refunds_stripe_refunds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "commission_disputes",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("stripe_dispute_id", TEXT(length=255), nullable=False),
        sa.Column("charge_id", TEXT(length=255), nullable=True),
        sa.Column("payment_intent_id", TEXT(length=255), nullable=True),
        sa.Column("order_id", TEXT(length=40), nullable=True),
        sa.Column("brand_id", TEXT(length=40), nullable=True),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("stripe_status", TEXT(length=40), nullable=False),
        sa.Column("stripe_reason", TEXT(length=60), nullable=True),
        sa.Column("due_by", WHEN(timezone=True), nullable=True),
        sa.Column("phase", TEXT(length=16), nullable=False),
        sa.Column("held_kind", TEXT(length=16), nullable=True),
        sa.Column("partner_id", TEXT(length=40), nullable=True),
        sa.Column("parent_partner_id", TEXT(length=40), nullable=True),
        sa.Column("partner_held_minor", sa.BigInteger(), nullable=False),
        sa.Column("parent_held_minor", sa.BigInteger(), nullable=False),
        sa.Column("lost_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_minor", sa.BigInteger(), nullable=False),
        sa.Column("fee_currency", TEXT(length=3), nullable=True),
        sa.Column("problem", TEXT(length=300), nullable=True),
        sa.Column("opened_at", WHEN(timezone=True), nullable=False),
        sa.Column("closed_at", WHEN(timezone=True), nullable=True),
        sa.Column("updated_at", WHEN(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stripe_dispute_id"),
    )
    with op.batch_alter_table("commission_disputes", schema=None) as batch_op:
        for column in ("order_id", "brand_id", "phase", "partner_id", "closed_at"):
            batch_op.create_index(batch_op.f(f"ix_commission_disputes_{column}"), [column], unique=False)
    with op.batch_alter_table("order_commissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_by_dispute", TEXT(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("order_commissions", schema=None) as batch_op:
        batch_op.drop_column("held_by_dispute")
    with op.batch_alter_table("commission_disputes", schema=None) as batch_op:
        for column in ("order_id", "brand_id", "phase", "partner_id", "closed_at"):
            batch_op.drop_index(batch_op.f(f"ix_commission_disputes_{column}"))
    op.drop_table("commission_disputes")
