"""`zhixiang commission release` and `zhixiang settle` as a finance user runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

from commission import ledger
from server.kernel.clock import utcnow
from tests.factories_commission import emit_events, make_partner, order_paid_payload
from tests.live_server import ROOT, free_port


def cli(*args: str, database_url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key-0123456789abcdef", **extra}
    return subprocess.run(
        [sys.executable, "-m", "server.cli.main", *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60
    )


async def test_release_cli_is_idempotent_and_settle_refuses_the_future(app, sqlite_url):
    # given an order whose 7-day hold ended yesterday and one still held
    partner = await make_partner(app)
    old = order_paid_payload("brd_cli", [("sku", 10000)], partner_id=partner, paid_at=utcnow() - timedelta(days=8))
    new = order_paid_payload("brd_cli", [("sku", 5000)], partner_id=partner)
    await emit_events(app, ("OrderPaid", old), ("OrderPaid", new))
    url = str(app.state.settings.database_url)
    # when release runs twice
    first = cli("commission", "release", database_url=url)
    second = cli("commission", "release", database_url=url)
    # then only the matured order moved, once
    assert "released the commission of 1 orders" in first.stdout, first.stdout + first.stderr
    assert "released the commission of 0 orders" in second.stdout
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner])
    assert {k.kind: v for k, v in found.items()} == {"pending": 500, "available": 1000}
    future = cli(
        "settle",
        "--as-of",
        (utcnow() + timedelta(days=2)).isoformat(),
        database_url=url,
        STRIPE_API_KEY="sk_test_cli",
        STRIPE_API_BASE="http://127.0.0.1:9",
    )
    assert future.returncode != 0 and "in the future" in (future.stdout + future.stderr)


async def test_settle_exits_3_while_payouts_are_in_flight_and_0_once_a_rerun_finishes_them(app, connect_server):
    # given a partner with 10.00 available to pay out
    partner = await make_partner(app, stripe_account_id=connect_server.add_account(), minimum_payout_minor=1)
    paid = order_paid_payload("brd_cli", [("sku", 10000)], partner_id=partner, paid_at=utcnow() - timedelta(days=8))
    await emit_events(app, ("OrderPaid", paid))
    url = str(app.state.settings.database_url)
    stripe = {"STRIPE_API_KEY": "sk_test_cli", "STRIPE_API_BASE": f"http://127.0.0.1:{free_port()}"}
    # when settle runs while Stripe Connect cannot be reached
    first = cli("settle", database_url=url, **stripe)
    # then it exits 3 and says in one line how to finish
    assert first.returncode == 3, first.stdout + first.stderr
    hint = [line for line in first.stderr.splitlines() if "still in flight" in line]
    assert len(hint) == 1 and "run `zhixiang settle` again" in hint[0]
    # when it runs again with Stripe back
    second = cli("settle", database_url=url, **{**stripe, "STRIPE_CONNECT_API_BASE": connect_server.base_url})
    # then the payout is made once and settle exits 0
    assert second.returncode == 0, second.stdout + second.stderr
    assert "0 still in flight" in second.stdout and len(connect_server.state.transfers) == 1
