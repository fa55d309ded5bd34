"""A whole live sale, end to end, against the real app as TWO worker processes on PostgreSQL and
Redis, paying through localstripe and settling through the Stripe Connect test server.

The sale is `zhixiang demo --simulate`'s (server.demo.simulate), smaller: the demo seed, a fresh
live session, five sharers (three partners, one with two store guides), viewers arriving through
their links, liking, commenting, carting and paying, the brand pinning and refunding, the hold
cut to zero days, settlement, one refund after the payout. Then everything the server reports is
checked against what was driven: attribution, commission accrued / reversed / paid, the
reconciliation, the partner funnels, and a PK competition's live board — kept in Redis by both
workers' outbox consumers — against each partner's net sales."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from server.demo.simulate import SaleConfig, SaleOutcome, Tokens, play_sale
from tests.live_server import ROOT, LiveServer, run_server
from tests.stripe_connect_server import ConnectServer
from tests.stripe_server import API_KEY, WEBHOOK_SECRET, StripeTestServer, run_localstripe
from tests.waiting import eventually

pytestmark = pytest.mark.integration
SECRET = "test-secret-key-0123456789abcdef"  # what tests.live_server.run_server gives the server
VIEWERS = 30


@pytest.fixture
def connect(connect_server: ConnectServer) -> ConnectServer:
    """The integration conftest's Connect test server (skipped locally, failed in CI, without fixtures)."""
    return connect_server


@pytest.fixture
def stripe(tmp_path) -> Iterator[StripeTestServer]:
    with run_localstripe(tmp_path) as server:
        yield server


@pytest.fixture
def server(tmp_path, postgres_db_url, redis_url, redis_namespace, stripe, connect) -> Iterator[LiveServer]:
    env = {
        "DATABASE_URL": postgres_db_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": redis_namespace,
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": stripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_CONNECT_API_BASE": connect.base_url,
        "STRIPE_TEST_PAYMENTS": "1",
        "ORDER_SWEEP_INTERVAL_S": "0",
        "FULFILMENT_SWEEP_INTERVAL_S": "1",  # the demo's orders complete as soon as they are delivered
        "DB_POOL_SIZE": "4",
        "LOG_LEVEL": "WARNING",
    }
    with run_server(env, workers=2, tmp_dir=tmp_path) as live:
        stripe.register_webhook(f"{live.base_url}/api/v1/payments/stripe/webhook", name=f"e2e-{live.port}")
        subprocess.run(
            [sys.executable, "-m", "server.cli.main", "demo"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            env={**os.environ, "SECRET_KEY": SECRET, **env},
        )
        yield live


async def test_a_whole_live_sale_ties_out(server, connect, redis_url, redis_namespace):
    # given the demo shop on two workers, a PK competition between its partners over this hour,
    # and a sale of VIEWERS viewers through five sharers' links
    tokens = Tokens.demo(SECRET)
    competition_id = await _open_competition(server, tokens.brand)
    config = SaleConfig(
        base_url=server.base_url,
        tokens=tokens,
        viewers=VIEWERS,
        concurrency=VIEWERS,
        buy_share=0.4,
        refund_share=0.25,
        dwell_s=0.5,
        seed=11,
        progress=False,
        say=_say,
        hold_room=True,
    )
    # when it plays
    outcome = await asyncio.wait_for(play_sale(config), timeout=120)
    # then every viewer got through and every order was paid
    assert outcome.errors == [], (outcome.errors, server.log()[-3000:])
    assert outcome.payments_enabled and len(outcome.orders) >= 6
    assert [o.order_id for o in outcome.orders if o not in outcome.paid] == []
    # after the sale: every order still owed was shipped, received and completed (its commission
    # released on completion), and one unit came back (refunded)
    owed = [o for o in outcome.paid if o.refunded_minor < o.amount_minor and o is not outcome.clawed_back]
    assert owed and all(o.fulfilment == "completed" for o in owed)
    assert outcome.returned is not None and outcome.returned.refunded_minor > 0
    async with _staff(server, tokens.finance) as finance, _staff(server, tokens.brand) as brand:
        splits = {o.order_id: await _get(finance, f"/api/v1/orders/{o.order_id}/commission") for o in outcome.paid}
        statements = {
            s.partner_id: await _get(finance, f"/api/v1/partners/{s.partner_id}/statement")
            for s in outcome.links.values()
        }
        funnel = await _settled_funnel(brand, outcome)
        reconciliation = await _get(finance, "/api/v1/finance/reconciliation")
        pins = await _get(brand, f"/api/v1/sessions/{outcome.session_id}/pins?limit=200")
        dashboard = await _get(brand, f"/api/v1/sessions/{outcome.session_id}/dashboard")
        orders = {
            o["id"]: o for o in (await _get(brand, f"/api/v1/brands/{outcome.brand_id}/orders?limit=200"))["items"]
        }
    # the brand's pins are on record, and every order's state and refunds are the server's too
    assert len(pins["items"]) == outcome.pins >= 1
    for made in outcome.paid:
        expected = (
            "paid"
            if not made.refunded_minor
            else "refunded"
            if made.refunded_minor == made.amount_minor
            else "partially_refunded"
        )
        assert (orders[made.order_id]["state"], orders[made.order_id]["refunded_minor"]) == (
            expected,
            made.refunded_minor,
        )
    _assert_attribution(outcome, splits)
    _assert_reversals(outcome, splits)
    _assert_statements_and_payouts(outcome, splits, statements, connect)
    assert reconciliation["ok"] and reconciliation["mismatches"] == [], reconciliation
    _assert_funnel(outcome, funnel)
    _assert_dashboard(outcome, dashboard)
    await _assert_live_board(server, tokens.brand, competition_id, outcome, splits, redis_url, redis_namespace)
    # and the brand's own system heard every payment and refund through its webhook, signed, in order,
    refunds = sum(1 for o in outcome.paid if o.refunded_minor)
    heard = outcome.webhooks_heard
    assert heard.get("order.paid") == len(outcome.paid) and heard.get("order.refunded", 0) >= refunds, heard
    assert heard.get("session.live") == 1 and outcome.webhook_problems == []
    # and every step after the sale: each shipped order, each completion, the return's request and decision
    completed = sum(1 for o in outcome.paid if o.fulfilment == "completed")
    assert completed >= 1 and heard.get("order.completed") == completed, heard
    assert heard.get("order.shipped", 0) >= completed and heard.get("order.delivered", 0) >= completed, heard
    if outcome.returned is not None:
        assert heard.get("aftersale.requested") == 1 and heard.get("aftersale.decided", 0) >= 1, heard


def _assert_dashboard(outcome: Any, dashboard: dict[str, Any]) -> None:
    """The demo's sale on the live dashboard: its GMV net of refunds, its orders on the curves, its pins."""
    figures, series = dashboard["figures"], dashboard["series"]
    assert figures["gmv_minor"] == sum(o.amount_minor - o.refunded_minor for o in outcome.paid)
    assert figures["paid_orders"] == len([o for o in outcome.paid if o.refunded_minor < o.amount_minor])
    assert sum(series["orders"]) == len(outcome.paid) and len(series["minutes"]) >= 1
    assert len(dashboard["pins"]) == outcome.pins


async def _open_competition(server: LiveServer, token: str) -> str:
    async with _staff(server, token) as brand:
        brand_id = (await _get(brand, "/api/v1/brands"))["items"][0]["id"]
        now = datetime.now(UTC)
        body = {
            "name": "Autumn PK",
            "metric": "gmv",
            "currency": "CNY",
            "entrants": {"partners": []},
            "scope": {
                "starts_at": (now - timedelta(minutes=5)).isoformat(),
                "ends_at": (now + timedelta(hours=1)).isoformat(),
            },
            "prize_tiers": [{"rank_from": 1, "rank_to": 1, "kind": "bonus_bps", "amount": "300"}],
        }
        response = await brand.post(f"/api/v1/brands/{brand_id}/competitions", json=body)
        assert response.status_code == 201, response.text
        competition_id = str(response.json()["id"])
        # the first read builds the Redis board (every entrant at 0); from then on orders only increment it
        await _get(brand, f"/api/v1/competitions/{competition_id}/leaderboard")
        return competition_id


async def _assert_live_board(
    server: LiveServer,
    token: str,
    competition_id: str,
    outcome: SaleOutcome,
    splits: dict[str, dict[str, Any]],
    redis_url: str,
    namespace: str,
) -> None:
    """Each partner's score is its attributed sales net of refunds, incremented in the Redis sorted
    set by whichever worker consumed the order's events (read from Redis, not rebuilt)."""
    net: dict[str, int] = defaultdict(int)
    for order in outcome.paid:
        if splits[order.order_id]["partner_id"]:
            net[splits[order.order_id]["partner_id"]] += order.amount_minor - order.refunded_minor
    net = defaultdict(int, {k: v for k, v in net.items() if v})  # fully refunded partners score 0: not listed
    redis = aioredis.from_url(redis_url)
    try:

        async def scored() -> dict[str, int]:
            rows = await redis.zrange(f"{namespace}:pk:{competition_id}", 0, -1, withscores=True)
            return {k.decode(): int(v) for k, v in rows if int(v)}

        seen: list[dict[str, int]] = []

        async def board_is_net() -> bool:
            seen.append(await scored())
            return seen[-1] == dict(net)

        # the outbox delivers within a poll or two
        try:
            await eventually(board_is_net, 20, "the PK board", 0.25)
        except AssertionError:
            raise AssertionError(f"PK board {seen[-1]} != {dict(net)}") from None
    finally:
        await redis.aclose()
    async with _staff(server, token) as brand:
        rows = (await _get(brand, f"/api/v1/competitions/{competition_id}/leaderboard"))["rows"]
    assert [(r["entrant_key"], r["score"]) for r in rows if r["score"]] == sorted(
        net.items(), key=lambda kv: (-kv[1], kv[0])
    )


def _staff(server: LiveServer, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


async def _get(client: httpx.AsyncClient, path: str) -> Any:
    response = await client.get(path)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def _assert_attribution(outcome: SaleOutcome, splits: dict[str, dict[str, Any]]) -> None:
    """Last click wins; a store guide's order also names its partner as the parent; direct buys earn nobody."""
    for order in outcome.paid:
        share = outcome.links.get(order.code or "")
        split = splits[order.order_id]
        expected = (share.partner_id, share.parent_id) if share else (None, None)
        assert (split["partner_id"], split["parent_partner_id"]) == expected, order
        assert (
            split["partner_minor"] + split["parent_minor"] + split["platform_fee_minor"] + split["brand_net_minor"]
            == order.amount_minor
        )
        assert (split["partner_minor"] > 0) == (share is not None)
        assert (split["parent_minor"] > 0) == (share is not None and share.parent_id is not None)


def _assert_reversals(outcome: SaleOutcome, splits: dict[str, dict[str, Any]]) -> None:
    """A full refund reverses the whole commission; a partial one its share (to the unit)."""
    refunded = [o for o in outcome.paid if o.refunded_minor]
    assert len(refunded) >= 2
    for order in refunded:
        split = splits[order.order_id]
        assert split["refunded_minor"] == order.refunded_minor
        for part in ("partner", "parent"):
            earned, reversed_ = split[f"{part}_minor"], split[f"{part}_reversed_minor"]
            assert abs(reversed_ * order.amount_minor - earned * order.refunded_minor) <= order.amount_minor, order
    for order in outcome.paid:
        if not order.refunded_minor:
            assert splits[order.order_id]["partner_reversed_minor"] == 0


def _earned(outcome: SaleOutcome, splits: dict[str, dict[str, Any]], key: str) -> dict[str, int]:
    """Per partner: the sum of `{part}{key}` over the orders where it is the partner or the parent."""
    totals: dict[str, int] = defaultdict(int)
    for order in outcome.paid:
        split = splits[order.order_id]
        for part, who in (("partner", split["partner_id"]), ("parent", split["parent_partner_id"])):
            if who:
                totals[who] += split[f"{part}{key}"]
    return totals


def _assert_statements_and_payouts(
    outcome: SaleOutcome,
    splits: dict[str, dict[str, Any]],
    statements: dict[str, dict[str, Any]],
    connect: ConnectServer,
) -> None:
    accrued, reversed_ = _earned(outcome, splits, "_minor"), _earned(outcome, splits, "_reversed_minor")
    payouts = {p["partner_id"]: p for p in outcome.settlement["payouts"]}
    clawed = _clawback_reversal(outcome, splits)
    for partner_id, statement in statements.items():
        [row] = statement["currencies"]
        assert row["accrued_minor"] == accrued[partner_id]
        assert row["reversed_minor"] == reversed_[partner_id]
        # the settlement paid everything earned less what was reversed before it ran
        expected_paid = accrued[partner_id] - reversed_[partner_id] + clawed.get(partner_id, 0)
        assert payouts.get(partner_id, {}).get("amount_minor", 0) == expected_paid == row["paid_out_minor"]
        assert row["closing_owed_minor"] == -clawed.get(partner_id, 0)
        if expected_paid:
            transfer = connect.state.transfers[payouts[partner_id]["transfer_id"]]
            assert (transfer["amount"], transfer["currency"]) == (expected_paid, row["currency"].lower())
    assert len(connect.state.transfers) == len(payouts) >= 3


def _clawback_reversal(outcome: SaleOutcome, splits: dict[str, dict[str, Any]]) -> dict[str, int]:
    """The last refunded order was refunded after the payout: what it reversed is owed back."""
    order = outcome.clawed_back
    assert order is not None and order.code is not None
    split = splits[order.order_id]
    owed = {split["partner_id"]: split["partner_reversed_minor"]}
    if split["parent_partner_id"]:
        owed[split["parent_partner_id"]] = split["parent_reversed_minor"]
    return owed


async def _settled_funnel(brand: httpx.AsyncClient, outcome: SaleOutcome) -> dict[str, Any]:
    """Clicks are buffered (flushed every half second): read until they are all in."""
    want = sum(d.clicks for d in outcome.driven.values())
    funnel: dict[str, Any] = {}

    async def all_in() -> bool:
        funnel.update(await _get(brand, f"/api/v1/sessions/{outcome.session_id}/funnel"))
        return sum(row["clicks"] for row in funnel["links"]) >= want

    with contextlib.suppress(AssertionError):  # the caller's assertions say what is missing
        await eventually(all_in, 10, "every click in the funnel", 0.25)
    return dict(funnel)


def _assert_funnel(outcome: SaleOutcome, funnel: dict[str, Any]) -> None:
    rows = {row["code"]: row for row in funnel["links"] if row["code"] in outcome.links}
    assert set(rows) == set(outcome.links)
    # with everyone in the room (on either worker), each link's live viewers were its arrivals
    present = {row["code"]: row["viewers"] for row in outcome.funnel_full_room["links"]}
    assert present == {code: outcome.drove(code).clicks for code in outcome.links}
    for code, row in rows.items():
        driven = outcome.drove(code)
        paid = [o for o in outcome.paid if o.code == code]
        got = (row["clicks"], row["likes"], row["cart_adds"], row["orders"], row["gmv_minor"])
        net_gmv = sum(o.amount_minor - o.refunded_minor for o in paid)  # the funnel's GMV is net of refunds
        assert got == (driven.clicks, driven.likes, driven.cart_adds, len(paid), net_gmv), (
            outcome.links[code].partner_name,
            row,
        )


def _say(line: str) -> None:
    """The simulation's narration, timestamped (shown with `pytest -s`)."""
    print(f"{time.strftime('%H:%M:%S')} {line}")
