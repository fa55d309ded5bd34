"""refunds: Stripe refund ids are unique keys; refund mismatches kept for reconciliation

Revision ID: 0940_refunds_stripe_refunds
Revises: 0930_attrib_binding_keys
Create Date: 2026-11-28 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0940_refunds_stripe_refunds"
down_revision: str | Sequence[str] | None = "0930_attrib_binding_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "refund_mismatches",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("order_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("brand_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("refund_id", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("stripe_refund_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("our_amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("stripe_amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("stripe_currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("detected_at", server.kernel.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("stripe_refund_id", "stripe_amount_minor", name="uq_refund_mismatches_report"),
    )
    with op.batch_alter_table("refund_mismatches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_mismatches_brand_id"), ["brand_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refund_mismatches_detected_at"), ["detected_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_refund_mismatches_order_id"), ["order_id"], unique=False)
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("uq_refunds_stripe_refund_id", ["stripe_refund_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("uq_refunds_stripe_refund_id")
    with op.batch_alter_table("refund_mismatches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_mismatches_order_id"))
        batch_op.drop_index(batch_op.f("ix_refund_mismatches_detected_at"))
        batch_op.drop_index(batch_op.f("ix_refund_mismatches_brand_id"))
    op.drop_table("refund_mismatches")
