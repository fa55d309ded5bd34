"""funnel: counted clicks per (session, link) and order groups kept as written; statement exports

Revision ID: 1060
Revises: 1140
Create Date: 2026-11-28 14:00:00

The kept funnel counts are built from the rows already stored (the same sums the funnel read from
`clicks` and `funnel_orders` before); from here on the click flusher and the order handlers add
to them in their own transactions.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1060"
down_revision: str | Sequence[str] | None = "1140"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime
BACKFILL = (
    "INSERT INTO funnel_link_clicks (session_id, link_id, partner_id, clicks) "
    "SELECT session_id, link_id, partner_id, COUNT(*) FROM clicks "
    "WHERE session_id IS NOT NULL AND NOT is_bot AND NOT is_duplicate GROUP BY session_id, link_id, partner_id",
    "INSERT INTO funnel_order_groups (session_id, partner_id, link_id, earns, net_minor, orders) "
    "SELECT session_id, partner_id, COALESCE(link_id, ''), earns, amount_minor - refunded_minor, COUNT(*) "
    "FROM funnel_orders WHERE session_id IS NOT NULL "
    "GROUP BY session_id, partner_id, COALESCE(link_id, ''), earns, amount_minor - refunded_minor",
)


def _funnel_tables() -> None:
    op.create_table(
        "funnel_link_clicks",
        sa.Column("session_id", TEXT(length=40), nullable=False),
        sa.Column("link_id", TEXT(length=40), nullable=False),
        sa.Column("partner_id", TEXT(length=40), nullable=False),
        sa.Column("clicks", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "link_id", "partner_id"),
    )
    op.create_table(
        "funnel_order_groups",
        sa.Column("session_id", TEXT(length=40), nullable=False),
        sa.Column("partner_id", TEXT(length=40), nullable=False),
        sa.Column("link_id", TEXT(length=40), nullable=False),
        sa.Column("earns", sa.Boolean(), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", "partner_id", "link_id", "earns", "net_minor"),
    )
    op.create_index("ix_funnel_orders_session_partner_paid", "funnel_orders", ["session_id", "partner_id", "paid_at"])
    for statement in BACKFILL:
        op.execute(statement)


def _export_tables() -> None:
    op.create_table(
        "statement_exports",
        sa.Column("id", TEXT(length=40), nullable=False),
        sa.Column("owner_type", TEXT(length=16), nullable=False),
        sa.Column("owner_id", TEXT(length=40), nullable=False),
        sa.Column("since", WHEN(timezone=True), nullable=False),
        sa.Column("until", WHEN(timezone=True), nullable=False),
        sa.Column("state", TEXT(length=16), nullable=False),
        sa.Column("lines_done", sa.BigInteger(), nullable=False),
        sa.Column("lines_expected", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("error", TEXT(length=500), nullable=True),
        sa.Column("created_by", TEXT(length=80), nullable=True),
        sa.Column("created_at", WHEN(timezone=True), nullable=False),
        sa.Column("heartbeat_at", WHEN(timezone=True), nullable=False),
        sa.Column("finished_at", WHEN(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_statement_exports_owner", "statement_exports", ["owner_type", "owner_id", "created_at"], unique=False
    )
    op.create_table(
        "statement_export_parts",
        sa.Column("export_id", TEXT(length=40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("export_id", "seq"),
    )


def upgrade() -> None:
    _funnel_tables()
    _export_tables()


def downgrade() -> None:
    op.drop_table("statement_export_parts")
    op.drop_index("ix_statement_exports_owner", table_name="statement_exports")
    op.drop_table("statement_exports")
    op.drop_index("ix_funnel_orders_session_partner_paid", table_name="funnel_orders")
    op.drop_table("funnel_order_groups")
    op.drop_table("funnel_link_clicks")
