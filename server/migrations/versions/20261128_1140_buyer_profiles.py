"""buyer profiles per brand (keyed hashes, no contact), their order facts, segments, the marketing box

Revision ID: 1140
Revises: 1070
Create Date: 2026-11-28 14:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1140"
down_revision: str | Sequence[str] | None = "1070"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime


def upgrade() -> None:
    op.add_column("orders", sa.Column("marketing_consent", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "buyer_profiles",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("buyer_key", TEXT(length=100), nullable=False),
        sa.Column("orders_count", sa.Integer(), nullable=False),
        sa.Column("net_spend_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("first_purchase_at", WHEN(timezone=True), nullable=True),
        sa.Column("last_purchase_at", WHEN(timezone=True), nullable=True),
        sa.Column("partner_id", TEXT(length=40), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("consent_given_at", WHEN(timezone=True), nullable=True),
        sa.Column("consent_withdrawn_at", WHEN(timezone=True), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("updated_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("brand_id", "buyer_key", name="uq_buyer_profiles_brand_key"),
    )
    op.create_index("ix_buyer_profiles_brand_id", "buyer_profiles", ["brand_id"])
    op.create_index("ix_buyer_profiles_partner_id", "buyer_profiles", ["partner_id"])
    op.create_table(
        "buyer_orders",
        sa.Column("order_id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("profile_id", TEXT(length=40), nullable=True),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunded_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_at", WHEN(timezone=True), nullable=False),
        sa.Column("partner_id", TEXT(length=40), nullable=True),
        sa.Column("sku_ids", sa.JSON(), nullable=False),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["profile_id"], ["buyer_profiles.id"]),
        sa.PrimaryKeyConstraint("order_id"),
    )
    op.create_index("ix_buyer_orders_brand_id", "buyer_orders", ["brand_id"])
    op.create_index("ix_buyer_orders_profile_id", "buyer_orders", ["profile_id"])
    op.create_table(
        "buyer_segments",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("name", TEXT(length=80), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_buyer_segments_brand_id", "buyer_segments", ["brand_id"])


def downgrade() -> None:
    op.drop_table("buyer_segments")
    op.drop_table("buyer_orders")
    op.drop_table("buyer_profiles")
    op.drop_column("orders", "marketing_consent")
