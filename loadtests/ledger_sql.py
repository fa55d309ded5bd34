"""The ledger as the app writes it, in SQL for the bulk loaders (`reports_load`, `bench_settle`): an
account's deterministic id (`commission.ledger.account_id`, computed server-side) and the kept totals
rebuilt from the entries (and the order totals from the order records), as `zhixiang ledger check-totals
--rebuild` does."""

from __future__ import annotations

ACCOUNT_ID = "'lac_' || left(encode(sha256(convert_to({parts}, 'UTF8')), 'hex'), 32)"
TOTALS_FROM_ENTRIES = (
    "INSERT INTO ledger_daily_totals (account_id, day, reason, currency, amount_minor, entry_count) "
    "SELECT e.account_id, CAST(timezone('UTC', e.effective_at) AS date), t.reason, e.currency, SUM(e.amount_minor), "
    "COUNT(*) FROM ledger_entries e JOIN journal_transactions t ON t.id = e.transaction_id "
    "GROUP BY e.account_id, CAST(timezone('UTC', e.effective_at) AS date), t.reason, e.currency",
    "INSERT INTO ledger_account_totals (account_id, reason, currency, amount_minor, entry_count) "
    "SELECT account_id, reason, currency, SUM(amount_minor), SUM(entry_count) FROM ledger_daily_totals "
    "GROUP BY account_id, reason, currency",
    # the order side's totals (commission/order_totals), rebuilt from the records
    "INSERT INTO order_daily_totals (day, currency, paid_minor, paid_count, earned_minor, refunds_minor, refund_count) "
    "SELECT day, currency, SUM(paid), SUM(n), SUM(earned), SUM(refunds), SUM(r) FROM ("
    "SELECT CAST(timezone('UTC', paid_at) AS date) AS day, currency, amount_minor AS paid, 1 AS n, "
    "partner_minor + parent_minor - partner_reversed_minor - parent_reversed_minor AS earned, 0 AS refunds, 0 AS r "
    "FROM order_commissions UNION ALL SELECT CAST(timezone('UTC', effective_at) AS date), currency, 0, 0, 0, "
    "applied_minor, 1 FROM commission_refunds WHERE effective_at IS NOT NULL) AS records GROUP BY day, currency",
)


def account(owner_type: str, owner_sql: str, kind: str) -> str:
    return ACCOUNT_ID.format(parts=f"'{owner_type}|' || {owner_sql} || '|{kind}|CNY'")
