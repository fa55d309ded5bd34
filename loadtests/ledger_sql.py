"""The ledger as the app writes it, in SQL for the bulk loaders (`reports_load`, `bench_settle`): an
account's deterministic id (`commission.ledger.account_id`, computed server-side) and the kept totals
rebuilt from the entries, as `zhixiang ledger check-totals --rebuild` does."""

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
)


def account(owner_type: str, owner_sql: str, kind: str) -> str:
    return ACCOUNT_ID.format(parts=f"'{owner_type}|' || {owner_sql} || '|{kind}|CNY'")
