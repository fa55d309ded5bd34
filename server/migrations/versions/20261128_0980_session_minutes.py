"""dashboard: the per-minute series of each live session

Revision ID: 0980
Revises: 0970
Create Date: 2026-11-28 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from server.kernel.db import UTCDateTime

revision: str = "0980"
down_revision: str | Sequence[str] | None = "0970"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTS = ("online_peak", "online_sum", "online_samples", "likes_total", "unique_viewers", "orders")
AFTER = ("cart_adds", "comments", "clicks")


def upgrade() -> None:
    op.create_table(
        "session_minutes",
        sa.Column("session_id", sa.String(length=40), nullable=False),
        sa.Column("minute", UTCDateTime(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.Column("gmv_minor", sa.BigInteger(), nullable=False),
        sa.Column("refunds_minor", sa.BigInteger(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in AFTER],
        sa.PrimaryKeyConstraint("session_id", "minute"),
    )


def downgrade() -> None:
    op.drop_table("session_minutes")
