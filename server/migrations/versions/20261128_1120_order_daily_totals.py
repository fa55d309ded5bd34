"""reconciliation: order totals per UTC day and currency, kept as orders are frozen and refunded

Revision ID: 1120
Revises: 1100
Create Date: 2026-11-28 14:40:00

Builds the rows from the existing records (the same sums `zhixiang ledger check-totals` recomputes).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "1120"
down_revision: str | Sequence[str] | None = "1100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
MEASURES = ("paid_minor", "paid_count", "earned_minor", "refunds_minor", "refund_count")
BUILD = """
INSERT INTO order_daily_totals (day, currency, paid_minor, paid_count, earned_minor, refunds_minor, refund_count)
SELECT day, currency, SUM(paid_minor), SUM(paid_count), SUM(earned_minor), SUM(refunds_minor), SUM(refund_count)
FROM (
  SELECT {day_paid} AS day, currency, amount_minor AS paid_minor, 1 AS paid_count,
         partner_minor + parent_minor - partner_reversed_minor - parent_reversed_minor AS earned_minor,
         0 AS refunds_minor, 0 AS refund_count
  FROM order_commissions
  UNION ALL
  SELECT {day_refund}, currency, 0, 0, 0, applied_minor, 1 FROM commission_refunds WHERE effective_at IS NOT NULL
) AS records
GROUP BY day, currency
"""


def upgrade() -> None:
    op.create_table(
        "order_daily_totals",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in MEASURES),
        sa.PrimaryKeyConstraint("day", "currency"),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    day = "CAST(timezone('UTC', {}) AS date)" if postgres else "date({})"
    op.execute(BUILD.format(day_paid=day.format("paid_at"), day_refund=day.format("effective_at")))


def downgrade() -> None:
    op.drop_table("order_daily_totals")
