"""ledger: entries carry their effective time; totals per account, day and reason kept as posted

Revision ID: 1030
Revises: 1000
Create Date: 2026-11-28 10:50:00

Backfills `ledger_entries.effective_at` from the entries' transactions and builds the totals from
the entries (the same sums `zhixiang ledger check-totals` recomputes). On PostgreSQL the entries'
append-only trigger is switched off for the backfill only, inside this migration's transaction.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import server.kernel.db

revision: str = "1030"
down_revision: str | Sequence[str] | None = "1000"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
WHEN = server.kernel.db.UTCDateTime

BACKFILL_PG = (
    "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only",
    "UPDATE ledger_entries e SET effective_at = t.effective_at FROM journal_transactions t "
    "WHERE t.id = e.transaction_id",
    "ALTER TABLE ledger_entries ENABLE TRIGGER ledger_entries_append_only",
)
BACKFILL_SQLITE = (
    "UPDATE ledger_entries SET effective_at = "
    "(SELECT t.effective_at FROM journal_transactions t WHERE t.id = ledger_entries.transaction_id)",
)
DAILY = """
INSERT INTO ledger_daily_totals (account_id, day, reason, currency, amount_minor, entry_count)
SELECT e.account_id, {day}, t.reason, e.currency, SUM(e.amount_minor), COUNT(*)
FROM ledger_entries e JOIN journal_transactions t ON t.id = e.transaction_id
GROUP BY e.account_id, {day}, t.reason, e.currency
"""
RUNNING = """
INSERT INTO ledger_account_totals (account_id, reason, currency, amount_minor, entry_count)
SELECT account_id, reason, currency, SUM(amount_minor), SUM(entry_count)
FROM ledger_daily_totals GROUP BY account_id, reason, currency
"""


def _totals_tables() -> None:
    op.create_table(
        "ledger_daily_totals",
        sa.Column("account_id", TEXT(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", TEXT(length=32), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "day", "reason"),
    )
    op.create_index("ix_ledger_daily_totals_day", "ledger_daily_totals", ["day"], unique=False)
    op.create_table(
        "ledger_account_totals",
        sa.Column("account_id", TEXT(length=40), nullable=False),
        sa.Column("reason", TEXT(length=32), nullable=False),
        sa.Column("currency", TEXT(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("entry_count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "reason"),
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("effective_at", WHEN(timezone=True), nullable=True))
    for statement in BACKFILL_PG if postgres else BACKFILL_SQLITE:
        op.execute(statement)
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.alter_column("effective_at", existing_type=WHEN(timezone=True), nullable=False)
        batch_op.drop_index("ix_ledger_entries_account_id")
        batch_op.create_index(
            "ix_ledger_entries_account_effective",
            ["account_id", "effective_at", "id"],
            unique=False,
            postgresql_include=["amount_minor", "transaction_id"],
        )
    _totals_tables()
    op.execute(
        DAILY.format(day="CAST(timezone('UTC', e.effective_at) AS date)" if postgres else "date(e.effective_at)")
    )
    op.execute(RUNNING)


def downgrade() -> None:
    op.drop_table("ledger_account_totals")
    op.drop_index("ix_ledger_daily_totals_day", table_name="ledger_daily_totals")
    op.drop_table("ledger_daily_totals")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entries_account_effective")
        batch_op.create_index("ix_ledger_entries_account_id", ["account_id"], unique=False)
        batch_op.drop_column("effective_at")
