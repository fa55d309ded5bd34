"""orders: an index on (session_id, paid_at), so the dashboard recounts one minute's payments
without reading every order of the session

Revision ID: 1100
Revises: 1080
Create Date: 2026-11-28 14:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "1100"
down_revision: str | Sequence[str] | None = "1080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_session_paid", "orders", ["session_id", "paid_at"])


def downgrade() -> None:
    op.drop_index("ix_orders_session_paid", table_name="orders")
