"""PostgreSQL only: concurrent settlement runs pay each partner once; a settlement killed mid-run
(the Connect server dies, or the settling process is SIGKILLed) and re-run makes no second transfer;
ledger entries cannot be updated or deleted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy as sa

from commission import ledger
from commission.connect import ConnectGateway
from commission.reports.reconciliation import reconcile
from commission.settlement import SettleRequest, settle
from server.app import create_app
from server.kernel.clock import utcnow
from server.kernel.db import sync_url
from tests.app_settings import make_settings
from tests.factories_commission import emit_events, make_partner, order_paid_payload
from tests.live_server import ROOT

N_PARTNERS = 12


@pytest.fixture
def settings(postgres_db_url, connect_server):
    return make_settings(
        postgres_db_url, stripe_api_key="sk_test_race", stripe_connect_api_base=connect_server.base_url
    )


@pytest.fixture
def app(settings):
    return create_app(settings)


async def seed(app, connect_server, n=N_PARTNERS):
    partners = [
        await make_partner(app, brand_id=None, stripe_account_id=connect_server.add_account(), minimum_payout_minor=1)
        for _ in range(n)
    ]
    orders = [
        order_paid_payload("brd_race", [("sku", 1000 * (i + 1))], partner_id=p, paid_at=utcnow() - timedelta(days=8))
        for i, p in enumerate(partners)
    ]
    await emit_events(app, *(("OrderPaid", o) for o in orders))
    return partners


async def assert_paid_once(app, connect_server, partners):
    destinations = Counter(t["destination"] for t in connect_server.state.transfers.values())
    assert sorted(destinations.values()) == [1] * len(partners), destinations
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=partners)
        report = await reconcile(
            session, utcnow() - timedelta(days=30), utcnow() + timedelta(minutes=1), ConnectGateway(app.state.settings)
        )
    paid = {k.owner_id: v for k, v in found.items() if k.kind == "paid"}
    assert sum(paid.values()) == sum(t["amount"] for t in connect_server.state.transfers.values())
    assert all(v == 0 for k, v in found.items() if k.kind in ("available", "in_flight")), found
    assert report["mismatches"] == []


async def test_concurrent_settlement_runs_pay_each_partner_once(app, settings, connect_server):
    partners = await seed(app, connect_server)
    # when three runs start at once, each with its own connections
    runs = [settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow())) for _ in range(3)]
    reports = await asyncio.gather(*runs)
    # then every partner got exactly one transfer and the ledger agrees with Stripe
    assert sum(len(r.payouts) for r in reports) >= N_PARTNERS
    await assert_paid_once(app, connect_server, partners)


async def test_settlement_interrupted_by_a_dead_connect_server_resumes_without_a_second_transfer(
    app, settings, connect_server
):
    partners = await seed(app, connect_server)
    connect_server.die_after_transfers(5)  # the 5th transfer is made but its answer is lost; then nothing
    first = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    assert first.still_in_flight, "the run should have been interrupted"
    assert len(connect_server.state.transfers) == 5
    # when the server is back and settlement runs again
    connect_server.revive()
    second = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    # then it finished the job: the 5th payout was recorded from Stripe's idempotent replay
    assert second.still_in_flight == []
    await assert_paid_once(app, connect_server, partners)


async def test_settle_process_killed_after_n_transfers_then_rerun(app, settings, connect_server, postgres_db_url):
    partners = await seed(app, connect_server, n=40)  # more than the transfers one run keeps in flight
    env = {
        **os.environ,
        "DATABASE_URL": postgres_db_url,
        "STRIPE_API_KEY": "sk_test_race",
        "STRIPE_CONNECT_API_BASE": connect_server.base_url,
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "server.cli.main", "settle"]
    process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # noqa: ASYNC220
    # the settling process dies (SIGKILL) the moment Stripe has made its 4th transfer
    connect_server.state.on_transfer = lambda count: count == 4 and os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    connect_server.state.on_transfer = None
    made = len(connect_server.state.transfers)
    assert 4 <= made < len(partners)
    # when settle runs again (a fresh process)
    rerun = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: ASYNC221
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    await assert_paid_once(app, connect_server, partners)


def test_ledger_entries_cannot_be_updated_or_deleted(postgres_db_url):
    with psycopg.connect(postgres_db_url.replace("postgresql://", "postgresql://", 1), autocommit=True) as conn:
        conn.execute(
            "INSERT INTO ledger_accounts (id, owner_type, owner_id, kind, currency, created_at) "
            "VALUES ('lac_t', 'platform', 'platform', 'fee', 'CNY', now())"
        )
        conn.execute(
            "INSERT INTO journal_transactions (id, idempotency_key, reason, memo, effective_at, created_at) "
            "VALUES ('jtx_t', 'k', 'commission_accrued', '{}', now(), now())"
        )
        conn.execute(
            "INSERT INTO ledger_entries (transaction_id, account_id, amount_minor, currency, effective_at) "
            "VALUES ('jtx_t', 'lac_t', 5, 'CNY', now())"
        )
        for statement in ("UPDATE ledger_entries SET amount_minor = 6", "DELETE FROM ledger_entries"):
            with pytest.raises(psycopg.errors.RestrictViolation, match="append-only"):
                conn.execute(statement)
        assert conn.execute("SELECT amount_minor FROM ledger_entries").fetchall() == [(5,)]
    engine = sa.create_engine(sync_url(postgres_db_url))
    engine.dispose()
