"""`python -m loadtests settle [--quick]`: 1,000,000 accrued commissions across 10,000 partners,
settled in ≤ 60 s (release of every matured order, one payout per partner, one Stripe Connect
transfer each, all recorded in the ledger).

The accruals are bulk-loaded server-side (`INSERT … SELECT FROM generate_series`: no rows cross
the wire) into a scratch PostgreSQL database, shaped exactly as `commission.accrual` writes them
(frozen order rows, one balanced 3-leg `commission_accrued` transaction each). Settlement then runs
through the real code path (`commission.settlement.settle`, the real `stripe` SDK) against a
loopback Connect stand-in (`loadtests/connect_standin.py`, its own process). The baseline in the
same run is the same settlement with 1/10 of the data, to show how it scales."""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import httpx
import psycopg

from loadtests.ledger_sql import TOTALS_FROM_ENTRIES, account
from loadtests.pg_scratch import scratch_database
from loadtests.processes import serve_command

DESCRIPTION = "settle 1,000,000 accrued commissions across 10,000 partners (goal ≤ 60 s)"
BRAND = "brd_bench_settle"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="100,000 accruals across 1,000 partners")
    parser.add_argument("--accruals", type=int, default=None)
    parser.add_argument("--partners", type=int, default=None)


def bulk_load(url: str, accruals: int, partners: int) -> float:
    pid = f"'ptn_bench_' || lpad(((i % {partners}) + 1)::text, 6, '0')"
    pid_direct = "'ptn_bench_' || lpad(i::text, 6, '0')"
    start = time.perf_counter()
    statements = [
        f"INSERT INTO partners (id, name, payout_country, created_at) SELECT {pid_direct}, 'Bench ' || i, 'US', now() "
        f"FROM generate_series(1, {partners}) i",
        f"INSERT INTO partner_payout_accounts (partner_id, stripe_account_id, minimum_payout_minor, updated_at) "
        f"SELECT {pid_direct}, 'acct_bench_' || i, 100, now() FROM generate_series(1, {partners}) i",
        f"INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at) "
        f"SELECT {account('partner', pid_direct, 'pending')}, 'partner', {pid_direct}, 'pending', 'CNY', now() "
        f"FROM generate_series(1, {partners}) i",
        f"INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at) VALUES "
        f"({account('brand', repr(BRAND), 'sales')}, 'brand', '{BRAND}', 'sales', 'CNY', now()), "
        f"({account('brand', repr(BRAND), 'net')}, 'brand', '{BRAND}', 'net', 'CNY', now())",
        "INSERT INTO order_commissions (order_id, brand_id, currency, amount_minor, partner_id, partner_minor, "
        "parent_minor, platform_fee_minor, brand_net_minor, split_lines, paid_at, hold_until, refunded_minor, "
        "partner_reversed_minor, parent_reversed_minor, fee_reversed_minor, created_at) "
        f"SELECT 'ord_bench_' || i, '{BRAND}', 'CNY', 10000 + (i % 7) * 100, {pid}, 1000 + (i % 7) * 10, 0, 0, "
        f"9000 + (i % 7) * 90, '[]', now() - interval '10 days', now() - interval '3 days', 0, 0, 0, 0, now() "
        f"FROM generate_series(1, {accruals}) i",
        "INSERT INTO journal_transactions (id, idempotency_key, reason, external_ref, brand_id, memo, effective_at, "
        f"created_at) SELECT 'jtx_bench_' || i, 'commission_accrued:ord_bench_' || i, 'commission_accrued', "
        f"'ord_bench_' || i, '{BRAND}', '{{}}', now() - interval '10 days', now() "
        f"FROM generate_series(1, {accruals}) i",
        "INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, effective_at) "
        f"SELECT 'jtx_bench_' || i, {account('brand', repr(BRAND), 'sales')}, -(10000 + (i % 7) * 100), 'CNY', "
        f"now() - interval '10 days' FROM generate_series(1, {accruals}) i UNION ALL "
        f"SELECT 'jtx_bench_' || i, {account('brand', repr(BRAND), 'net')}, 9000 + (i % 7) * 90, 'CNY', "
        f"now() - interval '10 days' FROM generate_series(1, {accruals}) i UNION ALL "
        f"SELECT 'jtx_bench_' || i, {account('partner', pid, 'pending')}, 1000 + (i % 7) * 10, 'CNY', "
        f"now() - interval '10 days' FROM generate_series(1, {accruals}) i",
        # the kept totals, as the posting code would have left them (commission/totals/check.py)
        *TOTALS_FROM_ENTRIES,
    ]
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("VACUUM ANALYZE")
    return time.perf_counter() - start


async def _settle(url: str, base: str) -> tuple[float, dict[str, Any]]:
    from commission.connect import ConnectGateway
    from commission.settlement import SettleRequest, settle
    from server.kernel.clock import utcnow
    from server.kernel.db import make_engine, make_sessionmaker
    from server.settings import load_settings

    settings = load_settings(
        database_url=url,
        stripe_api_key="sk_test_bench",
        stripe_connect_api_base=base,
        secret_key="bench-secret-key-0123456789",
    )
    engine = make_engine(url, pool_size=10)
    start = time.perf_counter()
    report = await settle(make_sessionmaker(engine), ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    elapsed = time.perf_counter() - start
    await engine.dispose()
    return elapsed, {
        "released_orders": report.released_orders,
        "payouts": len(report.payouts),
        "paid_minor": sum(p["amount_minor"] for p in report.payouts if p.get("transfer_id")),
        "still_in_flight": len(report.still_in_flight),
        "phases_s": report.timings_s,
    }


def _one(accruals: int, partners: int) -> dict[str, Any]:
    from server.migrate import upgrade

    with scratch_database("settle") as url:
        upgrade(url)
        load_s = bulk_load(url, accruals, partners)
        with serve_command("connect-standin", "loadtests.connect_standin", health_path="/_count") as standin:
            elapsed, figures = asyncio.run(_settle(url, standin.base_url))
            transfers = httpx.get(f"{standin.base_url}/_count").json()["transfers"]
    expected = sum(1000 + (i % 7) * 10 for i in range(1, accruals + 1))
    assert figures["paid_minor"] == expected and transfers == partners, (figures, transfers, expected)
    return {
        "accruals": accruals,
        "partners": partners,
        "load_s": round(load_s, 1),
        "settle_s": round(elapsed, 1),
        "transfers": transfers,
        **figures,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    accruals = args.accruals or (100_000 if args.quick else 1_000_000)
    partners = args.partners or (1_000 if args.quick else 10_000)
    baseline = _one(accruals // 10, max(1, partners // 10))
    main = _one(accruals, partners)
    print(
        f"settle: {main['accruals']:,} accruals / {main['partners']:,} partners in {main['settle_s']} s "
        f"(load {main['load_s']} s); baseline 1/10 in {baseline['settle_s']} s"
    )
    return {
        "benchmark": "settle",
        "goal_s": 60,
        **{f"main_{k}": v for k, v in main.items()},
        **{f"baseline_{k}": v for k, v in baseline.items()},
        "ratio_goal_over_actual": round(60 / main["settle_s"], 2) if main["settle_s"] else None,
    }
