"""fulfilment: order fulfilment states and deadlines, parcels, after-sales requests; commission
released on completion (existing brands keep releasing after their hold days)

Revision ID: 1080
Revises: 1090
Create Date: 2026-11-28 14:00:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1080"
down_revision: str | Sequence[str] | None = "1090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fulfilment", TEXT(length=24), server_default="unshipped", nullable=False))
        for name in ("fulfilment_due_at", "shipped_at", "delivered_at", "completed_at"):
            batch_op.add_column(sa.Column(name, WHEN(timezone=True), nullable=True))
    op.create_index("ix_orders_fulfilment_due", "orders", ["fulfilment", "fulfilment_due_at"])
    with op.batch_alter_table("order_commissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("release_on", TEXT(length=12), server_default="days", nullable=False))
        batch_op.add_column(sa.Column("completed_at", WHEN(timezone=True), nullable=True))
    _parcels()
    _aftersales()
    _existing_brands_keep_days()


def _parcels() -> None:
    op.create_table(
        "parcels",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("order_id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("carrier", TEXT(length=60), nullable=False),
        sa.Column("tracking_number", TEXT(length=64), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("shipped_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand_id", "tracking_number", name="uq_parcels_brand_tracking"),
    )
    op.create_index("ix_parcels_order_id", "parcels", ["order_id"])


def _aftersales() -> None:
    op.create_table(
        "aftersales",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("order_id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("kind", TEXT(length=16), nullable=False),
        sa.Column("state", TEXT(length=16), nullable=False),
        sa.Column("reason", TEXT(length=300), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("before_shipping", sa.Boolean(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("return_address", TEXT(length=300), nullable=True),
        sa.Column("refusal_reason", TEXT(length=300), nullable=True),
        sa.Column("refund_id", TEXT(length=40), nullable=True),
        sa.Column("auto_approve_at", WHEN(timezone=True), nullable=False),
        sa.Column("requested_at", WHEN(timezone=True), nullable=False),
        sa.Column("decided_at", WHEN(timezone=True), nullable=True),
        sa.Column("received_at", WHEN(timezone=True), nullable=True),
        sa.Column("closed_at", WHEN(timezone=True), nullable=True),
        sa.CheckConstraint("amount_minor > 0", name="ck_aftersales_amount_positive"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_aftersales_order_id", "aftersales", ["order_id"])
    op.create_index("ix_aftersales_brand_id", "aftersales", ["brand_id"])
    op.create_index("ix_aftersales_state_due", "aftersales", ["state", "auto_approve_at"])


def _existing_brands_keep_days() -> None:
    """Brands made before this migration keep their partners' release rule: `release_on: days`."""
    conn = op.get_bind()
    brands = sa.table("brands", sa.column("id", sa.String), sa.column("settings", sa.JSON))
    for brand_id, raw in conn.execute(sa.select(brands.c.id, brands.c.settings)).all():
        settings = (json.loads(raw) if isinstance(raw, str) else raw) or {}
        if "release_on" not in settings:
            stmt = brands.update().where(brands.c.id == brand_id).values(settings={**settings, "release_on": "days"})
            conn.execute(stmt)


def downgrade() -> None:
    op.drop_index("ix_aftersales_state_due", table_name="aftersales")
    op.drop_index("ix_aftersales_brand_id", table_name="aftersales")
    op.drop_index("ix_aftersales_order_id", table_name="aftersales")
    op.drop_table("aftersales")
    op.drop_index("ix_parcels_order_id", table_name="parcels")
    op.drop_table("parcels")
    with op.batch_alter_table("order_commissions", schema=None) as batch_op:
        batch_op.drop_column("completed_at")
        batch_op.drop_column("release_on")
    op.drop_index("ix_orders_fulfilment_due", table_name="orders")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        for name in ("completed_at", "delivered_at", "shipped_at", "fulfilment_due_at", "fulfilment"):
            batch_op.drop_column(name)
