"""commission: plans (open, targeted, exclusive), one row per published version; order
commissions keep the buyer (visitor) so a plan's repeat-purchase rate can count its orders

Revision ID: 1130
Revises: 1120
Create Date: 2026-11-28 14:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1130"
down_revision: str | Sequence[str] | None = "1120"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime
RATE = sa.Numeric(12, 4)


def upgrade() -> None:
    op.create_table(
        "commission_plan_versions",
        sa.Column("id", TEXT(length=40), primary_key=True),
        sa.Column("plan_id", TEXT(length=40), nullable=False, index=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False, index=True),
        sa.Column("sku_id", TEXT(length=40), nullable=True),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("rate_bps", RATE, nullable=False),
        sa.Column("partner_ids", sa.JSON(), nullable=False),
        sa.Column("starts_at", WHEN(), nullable=True),
        sa.Column("ends_at", WHEN(), nullable=True),
        sa.Column("effective_at", WHEN(), nullable=False),
        sa.Column("repeat_rate_bps", RATE, nullable=True),
        sa.Column("repeat_decay_bps", RATE, nullable=True),
        sa.Column("repeat_floor_bps", RATE, nullable=True),
        sa.Column("repeat_max_orders", sa.Integer(), nullable=True),
        sa.Column("created_at", WHEN(), nullable=False),
        sa.UniqueConstraint("plan_id", "version", name="uq_plan_version"),
        sa.CheckConstraint("rate_bps >= 0 AND rate_bps <= 10000", name="ck_plan_rate_range"),
    )
    op.add_column("order_commissions", sa.Column("visitor_id", TEXT(length=64), nullable=True))
    op.create_index("ix_order_commissions_repeat", "order_commissions", ["brand_id", "partner_id", "visitor_id"])


def downgrade() -> None:
    op.drop_index("ix_order_commissions_repeat", table_name="order_commissions")
    with op.batch_alter_table("order_commissions") as batch:
        batch.drop_column("visitor_id")
    op.drop_table("commission_plan_versions")
