"""Migration 1030 on a ledger that already has entries: each entry gets its transaction's
effective time and the totals are built from the entries (UTC days), as the check recomputes them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import psycopg
from alembic import command

from commission.totals import check_totals
from server.kernel.db import make_engine, make_sessionmaker
from server.migrate import alembic_config, upgrade

ACCOUNTS = "('lac_s', 'brand', 'b', 'sales', 'CNY', now()), ('lac_n', 'brand', 'b', 'net', 'CNY', now())"
TRANSACTIONS = (
    "('jtx_1', 'k1', 'commission_accrued', '{}', '2026-11-01T23:30:00+00', now()), "
    "('jtx_2', 'k2', 'commission_reversed', '{}', '2026-11-02T07:30:00+08', now())"  # 2026-11-01 23:30 UTC
)
ENTRIES = "('jtx_1', 'lac_s', -100, 'CNY'), ('jtx_1', 'lac_n', 100, 'CNY'), ('jtx_2', 'lac_s', 40, 'CNY'), ('jtx_2', 'lac_n', -40, 'CNY')"


async def test_existing_entries_are_backfilled_and_totalled(pg_url):
    admin = pg_url.rsplit("/", 1)[0] + "/postgres"
    url = pg_url.rsplit("/", 1)[0] + f"/zx_mig_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')
    try:
        # given a ledger at the revision before, with two transactions
        command.upgrade(alembic_config(url), "0960")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"INSERT INTO ledger_accounts VALUES {ACCOUNTS}")
            conn.execute(
                "INSERT INTO journal_transactions (id, idempotency_key, reason, memo, effective_at, created_at) "
                f"VALUES {TRANSACTIONS}"
            )
            conn.execute(
                f"INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency) VALUES {ENTRIES}"
            )
        # when it is migrated
        upgrade(url)
        # then every entry has its transaction's time, and the totals sum them per UTC day and reason
        with psycopg.connect(url, autocommit=True) as conn:
            times = conn.execute("SELECT DISTINCT effective_at FROM ledger_entries").fetchall()
            daily = conn.execute(
                "SELECT account_id, day, reason, amount_minor, entry_count FROM ledger_daily_totals ORDER BY 1, 3"
            ).fetchall()
        assert {t.astimezone(UTC) for (t,) in times} == {datetime(2026, 11, 1, 23, 30, tzinfo=UTC)}
        day = date(2026, 11, 1)
        assert daily == [
            ("lac_n", day, "commission_accrued", 100, 1),
            ("lac_n", day, "commission_reversed", -40, 1),
            ("lac_s", day, "commission_accrued", -100, 1),
            ("lac_s", day, "commission_reversed", 40, 1),
        ]
        engine = make_engine(url, pool_size=0)
        async with make_sessionmaker(engine)() as session:
            assert await check_totals(session) == []
        await engine.dispose()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
