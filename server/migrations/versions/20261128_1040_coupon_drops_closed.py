"""coupon drops: closed_at, set when the drop's session ends (its coupon card stops taking claims)

Revision ID: 1040
Revises: 0990, 0810
Create Date: 2026-11-28 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import server.kernel.db

revision: str = "1040"
down_revision: str | Sequence[str] | None = ("0990", "0810")  # coupon_drops is made on the 0810 branch
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("coupon_drops", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", server.kernel.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coupon_drops", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
