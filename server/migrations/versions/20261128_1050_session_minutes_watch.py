"""dashboard: the measured watch time in each minute of the per-minute series

Revision ID: 1050
Revises: 1031
Create Date: 2026-11-28 14:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1050"
down_revision: str | Sequence[str] | None = "1031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("session_minutes", sa.Column("watch_s_total", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("session_minutes") as batch:
        batch.drop_column("watch_s_total")
