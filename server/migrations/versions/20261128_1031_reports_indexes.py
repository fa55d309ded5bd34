"""reports: a local copy of Stripe transfers; the indexes the report plans asked for

Revision ID: 1031
Revises: 1030
Create Date: 2026-11-28 11:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1031"
down_revision: str | Sequence[str] | None = "1030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime
COUNTED = sa.text("NOT is_bot AND NOT is_duplicate")
PAID_AT_INCLUDES = [
    "currency",
    "amount_minor",
    "partner_minor",
    "parent_minor",
    "partner_reversed_minor",
    "parent_reversed_minor",
]


def upgrade() -> None:
    op.create_table(
        "stripe_transfers",
        sa.Column("id", TEXT(length=255), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("destination", TEXT(length=255), nullable=True),
        sa.Column("payout_id", TEXT(length=40), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("synced_at", WHEN(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_stripe_transfers_created_at", "stripe_transfers", ["created_at"], unique=False)
    op.create_index(
        "ix_order_commissions_paid_at", "order_commissions", ["paid_at"], postgresql_include=PAID_AT_INCLUDES
    )
    op.create_index(
        "ix_clicks_session_link_counted",
        "clicks",
        ["session_id", "link_id"],
        postgresql_where=COUNTED,
        sqlite_where=COUNTED,
    )
    op.create_index("ix_funnel_orders_session_paid", "funnel_orders", ["session_id", "paid_at"])
    op.create_index("ix_orders_brand_id_id", "orders", ["brand_id", "id"])
    op.drop_index("ix_orders_brand_id", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_brand_id", "orders", ["brand_id"])
    op.drop_index("ix_orders_brand_id_id", table_name="orders")
    op.drop_index("ix_funnel_orders_session_paid", table_name="funnel_orders")
    op.drop_index("ix_clicks_session_link_counted", table_name="clicks")
    op.drop_index("ix_order_commissions_paid_at", table_name="order_commissions")
    op.drop_index("ix_stripe_transfers_created_at", table_name="stripe_transfers")
    op.drop_table("stripe_transfers")
