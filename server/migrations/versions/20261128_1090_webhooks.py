"""order webhooks: a brand's endpoints, their deliveries and each attempt (the delivery log)

Revision ID: 1090
Revises: 1050
Create Date: 2026-11-28 14:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1090"
down_revision: str | Sequence[str] | None = "1050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "webhook_endpoints",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("url", TEXT(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("description", TEXT(length=200), nullable=True),
        sa.Column("secret", TEXT(length=100), nullable=False),
        sa.Column("previous_secret", TEXT(length=100), nullable=True),
        sa.Column("previous_secret_until", WHEN(timezone=True), nullable=True),
        sa.Column("state", TEXT(length=16), nullable=False),
        sa.Column("disabled_at", WHEN(timezone=True), nullable=True),
        sa.Column("disabled_reason", TEXT(length=300), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("updated_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_endpoints_brand_id", "webhook_endpoints", ["brand_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("endpoint_id", TEXT(length=40), nullable=False),
        sa.Column("brand_id", TEXT(length=40), nullable=False),
        sa.Column("event_id", TEXT(length=40), nullable=False),
        sa.Column("event", TEXT(length=40), nullable=False),
        sa.Column("order_key", TEXT(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", TEXT(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", WHEN(timezone=True), nullable=False),
        sa.Column("claimed_until", WHEN(timezone=True), nullable=True),
        sa.Column("give_up_at", WHEN(timezone=True), nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", TEXT(length=300), nullable=True),
        sa.Column("sent_at", WHEN(timezone=True), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoints.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_delivery_endpoint_event"),
    )
    op.create_index("ix_webhook_deliveries_endpoint_id", "webhook_deliveries", ["endpoint_id"])
    op.create_index("ix_webhook_deliveries_next_attempt_at", "webhook_deliveries", ["next_attempt_at"])
    op.create_index("ix_webhook_deliveries_order", "webhook_deliveries", ["endpoint_id", "order_key", "event_id"])
    op.create_table(
        "webhook_attempts",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("delivery_id", TEXT(length=40), nullable=False),
        sa.Column("attempted_at", WHEN(timezone=True), nullable=False),
        sa.Column("outcome", TEXT(length=16), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("excerpt", TEXT(length=300), nullable=True),
        sa.Column("error", TEXT(length=300), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["webhook_deliveries.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_attempts_delivery_id", "webhook_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_delivery_id", table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    for index in ("order", "next_attempt_at", "endpoint_id"):
        op.drop_index(f"ix_webhook_deliveries_{index}", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_endpoints_brand_id", table_name="webhook_endpoints")
    op.drop_table("webhook_endpoints")
