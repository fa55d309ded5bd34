"""Bulk-loads one brand's season for `python -m loadtests reports`, server-side in PostgreSQL
(`INSERT … SELECT FROM generate_series`: no rows cross the wire), shaped as the app writes them.

Orders i = 1…N over the last 180 days across 25 sessions and 40 partners (each partner one link
per session): the frozen split (10 % partner, 3 % platform, the rest the brand's net), one
balanced 4-leg `commission_accrued` transaction each, the funnel's row; every 20th order refunded
in full an hour after payment (its refund record and 4-leg reversal); 5 clicks per order (one in
ten a bot, one in ten a duplicate). Then the kept ledger totals are computed from the entries, as
`zhixiang ledger check-totals --rebuild` would, and the funnel's kept counts from the clicks and
orders. The settlement runs come later, through the app's code."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import psycopg

from loadtests.ledger_sql import TOTALS_FROM_ENTRIES, account

BRAND = "brd_bench_reports"
PARTNERS = 40
SESSIONS = 25
DAYS = 180
# the funnel's kept counts, as the click flusher and the order handlers would have kept them
FUNNEL_FROM_ROWS = (
    "INSERT INTO funnel_link_clicks (session_id, link_id, partner_id, clicks) "
    "SELECT session_id, link_id, partner_id, COUNT(*) FROM clicks "
    "WHERE session_id IS NOT NULL AND NOT is_bot AND NOT is_duplicate GROUP BY session_id, link_id, partner_id",
    "INSERT INTO funnel_order_groups (session_id, partner_id, link_id, earns, net_minor, orders) "
    "SELECT session_id, partner_id, COALESCE(link_id, ''), earns, amount_minor - refunded_minor, COUNT(*) "
    "FROM funnel_orders WHERE session_id IS NOT NULL "
    "GROUP BY session_id, partner_id, COALESCE(link_id, ''), earns, amount_minor - refunded_minor",
)


def partner_of(i: str) -> str:
    return f"'ptn_bench_' || lpad(((({i}) % {PARTNERS}) + 1)::text, 3, '0')"


def session_of(i: str) -> str:
    return f"'ses_bench_' || lpad(((({i}) % {SESSIONS}) + 1)::text, 3, '0')"


def _setup(orders: int) -> list[str]:
    pid = "'ptn_bench_' || lpad(p::text, 3, '0')"
    sid = "'ses_bench_' || lpad(s::text, 3, '0')"
    return [
        f"INSERT INTO brands (id, name, slug, default_currency, settings, created_at) VALUES "
        f"('{BRAND}', 'Bench Reports', 'bench-reports', 'CNY', '{{}}', now())",
        f"INSERT INTO live_sessions (id, brand_id, title, scheduled_start_at, state, created_at) SELECT {sid}, "
        f"'{BRAND}', 'Session ' || s, now() - interval '{DAYS} days', CASE WHEN s = 1 THEN 'live' ELSE 'ended' END, "
        f"now() FROM generate_series(1, {SESSIONS}) s",
        f"INSERT INTO partners (id, name, payout_country, created_at) SELECT {pid}, 'Bench ' || p, 'US', now() "
        f"FROM generate_series(1, {PARTNERS}) p",
        f"INSERT INTO partnerships (id, brand_id, partner_id, state, commission_bps, created_at) SELECT "
        f"'pts_bench_' || p, '{BRAND}', {pid}, 'approved', 1000, now() FROM generate_series(1, {PARTNERS}) p",
        f"INSERT INTO partner_payout_accounts (partner_id, stripe_account_id, minimum_payout_minor, updated_at) "
        f"SELECT {pid}, 'acct_bench_' || p, 100, now() FROM generate_series(1, {PARTNERS}) p",
        "INSERT INTO links (id, code, partner_id, brand_id, target, session_id, created_at) SELECT "
        f"'lnk_bench_' || p || '_' || s, 'bench' || p || 'x' || s, {pid}, '{BRAND}', 'session', {sid}, now() "
        f"FROM generate_series(1, {PARTNERS}) p, generate_series(1, {SESSIONS}) s",
        "INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at) "
        f"SELECT {account('partner', pid, 'pending')}, 'partner', {pid}, 'pending', 'CNY', now() "
        f"FROM generate_series(1, {PARTNERS}) p",
        "INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at) VALUES "
        f"({account('brand', repr(BRAND), 'sales')}, 'brand', '{BRAND}', 'sales', 'CNY', now()), "
        f"({account('brand', repr(BRAND), 'net')}, 'brand', '{BRAND}', 'net', 'CNY', now()), "
        f"({account('platform', repr('platform'), 'fee')}, 'platform', 'platform', 'fee', 'CNY', now())",
    ]


def _orders(orders: int, base: str) -> list[str]:
    amount, share, fee = "(10000 + (i % 7) * 100)", "(1000 + (i % 7) * 10)", "(300 + (i % 7) * 3)"
    # one fixed base time (each autocommit statement has its own now(): the order rows and their
    # entries must carry the very same times)
    step_s = DAYS * 86400 // max(orders, 1)
    paid = f"(TIMESTAMPTZ '{base}' - interval '2 hours' - ({orders} - i) * interval '{step_s} seconds')"
    refunded = "(i % 20 = 0)"
    series = f"FROM generate_series(1, {orders}) i"
    legs = (
        (account("brand", repr(BRAND), "sales"), f"-1 * {amount}"),
        (account("brand", repr(BRAND), "net"), f"({amount} - {share} - {fee})"),
        (account("partner", partner_of("i"), "pending"), share),
        (account("platform", repr("platform"), "fee"), fee),
    )

    def entries(txn: str, sign: str, when: str, where: str = "") -> str:
        return " UNION ALL ".join(
            f"SELECT {txn}, {acc}, {sign}{amt}, 'CNY', {when} {series} {where}" for acc, amt in legs
        )

    return [
        "INSERT INTO order_commissions (order_id, brand_id, session_id, currency, amount_minor, partner_id, "
        "partner_minor, parent_minor, platform_fee_minor, brand_net_minor, split_lines, paid_at, hold_until, "
        "refunded_minor, partner_reversed_minor, parent_reversed_minor, fee_reversed_minor, created_at) "
        f"SELECT 'ord_bench_' || i, '{BRAND}', {session_of('i')}, 'CNY', {amount}, {partner_of('i')}, {share}, 0, "
        f"{fee}, {amount} - {share} - {fee}, '[]', {paid}, {paid} + interval '7 days', "
        f"CASE WHEN {refunded} THEN {amount} ELSE 0 END, CASE WHEN {refunded} THEN {share} ELSE 0 END, 0, "
        f"CASE WHEN {refunded} THEN {fee} ELSE 0 END, now() {series}",
        "INSERT INTO journal_transactions (id, idempotency_key, reason, external_ref, brand_id, memo, effective_at, "
        f"created_at) SELECT 'jtx_bench_a' || i, 'commission_accrued:ord_bench_' || i, 'commission_accrued', "
        f"'ord_bench_' || i, '{BRAND}', '{{}}', {paid}, now() {series}",
        "INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, effective_at) "
        + entries("'jtx_bench_a' || i", "", paid),
        "INSERT INTO commission_refunds (refund_id, order_id, currency, amount_minor, refunded_at, applied_at, "
        f"applied_minor, effective_at) SELECT 're_bench_' || i, 'ord_bench_' || i, 'CNY', {amount}, "
        f"{paid} + interval '1 hour', {paid} + interval '1 hour', {amount}, {paid} + interval '1 hour' {series} "
        f"WHERE {refunded}",
        "INSERT INTO journal_transactions (id, idempotency_key, reason, external_ref, brand_id, memo, effective_at, "
        f"created_at) SELECT 'jtx_bench_r' || i, 'commission_reversed:re_bench_' || i, 'commission_reversed', "
        f"'ord_bench_' || i, '{BRAND}', '{{}}', {paid} + interval '1 hour', now() {series} WHERE {refunded}",
        "INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, effective_at) "
        + entries("'jtx_bench_r' || i", "-1 * ", f"{paid} + interval '1 hour'", f"WHERE {refunded}"),
        "INSERT INTO funnel_orders (order_id, brand_id, session_id, partner_id, link_id, amount_minor, "
        "refunded_minor, currency, earns, buyer_tag, paid_at) SELECT 'ord_bench_' || i, "
        f"'{BRAND}', {session_of('i')}, {partner_of('i')}, "
        f"'lnk_bench_' || ((i % {PARTNERS}) + 1) || '_' || ((i % {SESSIONS}) + 1), {amount}, "
        f"CASE WHEN {refunded} THEN {amount} ELSE 0 END, 'CNY', true, 'buyer·' || (i % 9973), {paid} {series}",
    ]


def _clicks(orders: int) -> str:
    order = "(c / 5)"
    return (
        "INSERT INTO clicks (id, link_id, partner_id, brand_id, session_id, visitor_id, is_bot, is_duplicate, "
        f"clicked_at) SELECT 'clk_bench_' || c, 'lnk_bench_' || (({order} % {PARTNERS}) + 1) || '_' || "
        f"(({order} % {SESSIONS}) + 1), {partner_of(order)}, '{BRAND}', {session_of(order)}, 'vis_' || c, "
        f"c % 10 = 3, c % 10 = 7, now() - ({orders * 5} - c) * interval '{DAYS * 86400 // max(orders * 5, 1)} seconds' "
        f"FROM generate_series(1, {orders * 5}) c"
    )


def bulk_load(url: str, orders: int) -> float:
    """Everything above, then the kept totals and fresh planner statistics; seconds it took."""
    start = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        base = datetime.now(UTC).isoformat()
        for statement in [
            *_setup(orders),
            *_orders(orders, base),
            _clicks(orders),
            *TOTALS_FROM_ENTRIES,
            *FUNNEL_FROM_ROWS,
        ]:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - start
