"""coupons: definitions, drops into live sessions, claims; discounts on orders and order lines

Revision ID: 0810
Revises: 0700
Create Date: 2026-11-23 15:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "0810"
down_revision: str | Sequence[str] | None = "0700"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

S = sqlmodel.sql.sqltypes.AutoString
UTC = server.kernel.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "coupons",
        sa.Column("id", S(length=40), nullable=False),
        sa.Column("brand_id", S(length=40), nullable=False),
        sa.Column("title", S(length=120), nullable=False),
        sa.Column("amount_off_minor", sa.BigInteger(), nullable=True),
        sa.Column("currency", S(length=3), nullable=True),
        sa.Column("percent_off_bps", sa.Numeric(9, 2), nullable=True),
        sa.Column("min_spend_minor", sa.BigInteger(), nullable=False),
        sa.Column("sku_ids", sa.JSON(), nullable=False),
        sa.Column("total_limit", sa.Integer(), nullable=False),
        sa.Column("per_buyer_limit", sa.Integer(), nullable=False),
        sa.Column("claimed", sa.Integer(), nullable=False),
        sa.Column("valid_from", UTC(timezone=True), nullable=False),
        sa.Column("valid_until", UTC(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("deactivated_at", UTC(timezone=True), nullable=True),
        sa.CheckConstraint("claimed >= 0 AND claimed <= total_limit", name="ck_coupons_claimed"),
        sa.CheckConstraint("total_limit >= 1 AND per_buyer_limit >= 1", name="ck_coupons_limits"),
        sa.CheckConstraint("(amount_off_minor IS NULL) <> (percent_off_bps IS NULL)", name="ck_coupons_kind"),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupons_brand_id"), ["brand_id"], unique=False)

    op.create_table(
        "coupon_drops",
        sa.Column("id", S(length=40), nullable=False),
        sa.Column("coupon_id", S(length=40), nullable=False),
        sa.Column("session_id", S(length=40), nullable=False),
        sa.Column("dropped_at", UTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "coupon_id", name="uq_coupon_drops_session_coupon"),
    )
    with op.batch_alter_table("coupon_drops", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_drops_coupon_id"), ["coupon_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_drops_session_id"), ["session_id"], unique=False)

    op.create_table(
        "coupon_claims",
        sa.Column("id", S(length=40), nullable=False),
        sa.Column("coupon_id", S(length=40), nullable=False),
        sa.Column("session_id", S(length=40), nullable=False),
        sa.Column("visitor_id", S(length=64), nullable=False),
        sa.Column("claim_no", sa.Integer(), nullable=False),
        sa.Column("state", S(length=16), nullable=False),
        sa.Column("order_id", S(length=40), nullable=True),
        sa.Column("claimed_at", UTC(timezone=True), nullable=False),
        sa.Column("used_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["coupon_id"], ["coupons.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["live_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("coupon_id", "visitor_id", "claim_no", name="uq_coupon_claims_buyer_no"),
    )
    with op.batch_alter_table("coupon_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_claims_coupon_id"), ["coupon_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_claims_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_claims_visitor_id"), ["visitor_id"], unique=False)

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_minor", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("coupon_claim_id", S(length=40), nullable=True))
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_minor", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("discount_minor")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("coupon_claim_id")
        batch_op.drop_column("discount_minor")
    op.drop_table("coupon_claims")
    op.drop_table("coupon_drops")
    op.drop_table("coupons")
