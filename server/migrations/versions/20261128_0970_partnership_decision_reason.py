"""partnerships: the reason the brand gave for its last decision (shown to the partner)

Revision ID: 0970
Revises: 0960
Create Date: 2026-11-28 10:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0970"
down_revision: str | Sequence[str] | None = "0960"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_reason", sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("decision_reason")
