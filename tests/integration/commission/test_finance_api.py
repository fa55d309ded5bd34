"""Finance: settlement over the API, failed transfers, partners without an account, onboarding,
statements and reconciliation (JSON and CSV), and bad input leaving the ledger unchanged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from commission.models import LedgerEntry
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload
from tests.factories_finance import settle_via_api

OLD = timedelta(days=9)


@pytest.fixture
def app(db_url, connect_server):
    return create_app(
        make_settings(db_url, stripe_api_key="sk_test_commission", stripe_connect_api_base=connect_server.base_url)
    )


async def entry_count(app) -> int:
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(func.count()).select_from(LedgerEntry))).one()


async def world(client, app, connect_server):
    admin = await make_token(app, "admin")
    finance = await make_token(app, "finance")
    brand = await make_brand(client, admin)
    good = await make_partner(
        app, brand_id=brand["id"], stripe_account_id=connect_server.add_account(), minimum_payout_minor=100
    )
    refused_account = connect_server.add_account()
    connect_server.refuse_destination(refused_account)
    refused = await make_partner(app, brand_id=brand["id"], stripe_account_id=refused_account, minimum_payout_minor=100)
    no_account = await make_partner(app, brand_id=brand["id"])
    orders = [
        order_paid_payload(brand["id"], [("sku_a", 20000)], partner_id=p, paid_at=utcnow() - OLD)
        for p in (good, refused, no_account)
    ]
    await emit_events(app, *(("OrderPaid", o) for o in orders))
    return {
        "finance": finance,
        "admin": admin,
        "brand": brand,
        "good": good,
        "refused": refused,
        "no_account": no_account,
        "orders": orders,
    }


async def test_settlement_pays_fails_and_skips_with_reasons(client, app, connect_server):
    w = await world(client, app, connect_server)
    # when finance settles now (in the background: the API answers the job, the job the report)
    report = await settle_via_api(client, w["finance"])
    # then the good partner is paid, the refused one failed with Stripe's reason, the third skipped
    by_partner = {p["partner_id"]: p for p in report["payouts"]}
    assert by_partner[w["good"]]["transfer_id"].startswith("tr_")
    assert "account_invalid" in by_partner[w["refused"]]["failure_reason"]
    skipped = {s["partner_id"]: s["reason"] for s in report["skipped"]}
    assert "no connected Stripe account" in skipped[w["no_account"]]
    # and the failed payout's money is back in available
    statement = (await client.get(f"/api/v1/partners/{w['refused']}/statement", headers=auth(w["finance"]))).json()
    cny = statement["currencies"][0]
    assert cny["closing"]["available"] == 2000 and cny["payouts_failed_minor"] == 2000 and cny["ties_out"]


async def test_statements_and_reconciliation_tie_out_after_refunds_and_settlement(client, app, connect_server):
    w = await world(client, app, connect_server)
    await emit_events(app, ("OrderRefunded", order_refunded_payload(w["orders"][0], 5000, 5000)))
    await settle_via_api(client, w["finance"])
    await emit_events(app, ("OrderRefunded", order_refunded_payload(w["orders"][0], 15000, 20000)))
    since = (utcnow() - timedelta(days=30)).isoformat()
    until = (utcnow() + timedelta(minutes=1)).isoformat()
    recon = await client.get(
        "/api/v1/finance/reconciliation", params={"since": since, "until": until}, headers=auth(w["finance"])
    )
    assert recon.status_code == 200, recon.text
    body = recon.json()
    assert body["mismatches"] == [] and body["ok"], body["mismatches"]
    assert body["payouts"]["matched"] == 1
    orders = body["orders"][0]
    assert orders["paid_orders_minor"] - orders["refunds_minor"] == 40000
    # the partner paid before the full refund owes the difference (a clawback)
    partner_token = await make_token(app, "partner", partner_id=w["good"])
    statement = (
        await client.get(
            f"/api/v1/partners/{w['good']}/statement",
            params={"since": since, "until": until},
            headers=auth(partner_token),
        )
    ).json()
    cny = statement["currencies"][0]
    assert (cny["accrued_minor"], cny["reversed_minor"], cny["paid_out_minor"], cny["closing_owed_minor"]) == (
        2000,
        2000,
        1500,
        -1500,
    )
    assert cny["ties_out"]
    csv = await client.get(f"/api/v1/partners/{w['good']}/statement.csv", headers=auth(partner_token))
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert (
        csv.text.splitlines()[0]
        == "effective_at,transaction_id,reason,external_ref,account,currency,amount_minor,release_on,releases_at,completed_at"
    )
    recon_csv = await client.get("/api/v1/finance/reconciliation.csv", headers=auth(w["finance"]))
    assert recon_csv.status_code == 200 and recon_csv.text.startswith("section,check,currency")
    # a partner sees only its own statement; a brand only its own
    other = await client.get(f"/api/v1/partners/{w['refused']}/statement", headers=auth(partner_token))
    assert other.status_code == 404
    brand_token = await make_token(app, "brand", brand_id=w["brand"]["id"])
    mine = await client.get(
        f"/api/v1/brands/{w['brand']['id']}/statement",
        params={"since": since, "until": until},
        headers=auth(brand_token),
    )
    assert mine.json()["currencies"][0]["gross_sales_minor"] == 60000
    assert (await client.get("/api/v1/finance/reconciliation", headers=auth(brand_token))).status_code == 403


async def test_reconciliation_lists_a_transfer_whose_payout_is_still_in_flight(client, app, connect_server):
    w = await world(client, app, connect_server)
    connect_server.die_after_transfers(1)  # Stripe pays, the answer is lost, the server stays down
    await settle_via_api(client, w["finance"])
    connect_server.revive()
    body = (await client.get("/api/v1/finance/reconciliation", headers=auth(w["finance"]))).json()
    assert any("still in flight" in m["reason"] for m in body["mismatches"]), body["mismatches"]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/finance/reconciliation.csv", {"since": "yesterday"}),
        ("/api/v1/finance/reconciliation.csv", {"since": "2026-11-02T00:00:00Z", "until": "2026-11-01T00:00:00Z"}),
        ("/api/v1/finance/reconciliation.csv", {"since": "1990-01-01T00:00:00Z"}),
    ],
)
async def test_malformed_csv_requests_are_422(client, app, url, params):
    finance = await make_token(app, "finance")
    response = await client.get(url, params=params, headers=auth(finance))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_bad_settlement_requests_are_4xx_and_leave_the_ledger_unchanged(client, app, connect_server):
    w = await world(client, app, connect_server)
    other_brand = await make_brand(client, w["admin"])
    before = await entry_count(app)
    h = auth(w["finance"])
    now = utcnow()
    bad = [
        {"as_of": (now + timedelta(days=1)).isoformat()},
        {"as_of": now.isoformat(), "currency": "usd"},
        {"as_of": now.isoformat(), "brand_id": other_brand["id"], "partner_ids": [w["good"]]},
        {"as_of": "not a time"},
    ]
    for body in bad:
        response = await client.post("/api/v1/finance/settlements", json=body, headers=h)
        assert 400 <= response.status_code < 500, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    mismatch = await client.put(
        f"/api/v1/partners/{w['good']}/payout-settings",
        json={"minimum_payout_minor": 500, "currency": "USD"},
        headers=h,
    )
    assert mismatch.status_code == 422 and "currency mismatch" in mismatch.json()["detail"]
    assert await entry_count(app) == before
    assert connect_server.state.transfers == {}


async def test_partner_onboards_with_a_connect_account_link(client, app, connect_server):
    partner = await make_partner(app)
    token = await make_token(app, "partner", partner_id=partner)
    first = await client.post(f"/api/v1/partners/{partner}/payout-account", headers=auth(token))
    assert first.status_code == 201, first.text
    again = await client.post(f"/api/v1/partners/{partner}/payout-account", headers=auth(token))
    account_id = first.json()["stripe_account_id"]
    assert account_id.startswith("acct_") and again.json()["stripe_account_id"] == account_id
    assert first.json()["onboarding_url"].startswith(connect_server.base_url)
    assert connect_server.state.accounts[account_id]["metadata"] == {"partner_id": partner}
    other = await client.post(f"/api/v1/partners/{await make_partner(app)}/payout-account", headers=auth(token))
    assert other.status_code == 404


async def test_finance_cannot_create_a_partners_onboarding_link(client, app, connect_server):
    partner = await make_partner(app)
    finance = await make_token(app, "finance")
    accounts = dict(connect_server.state.accounts)
    response = await client.post(f"/api/v1/partners/{partner}/payout-account", headers=auth(finance))
    assert response.status_code == 403, response.text
    assert connect_server.state.accounts == accounts  # no Connect account was made
    assert (await client.get(f"/api/v1/partners/{partner}/payout-account", headers=auth(finance))).status_code == 200


async def test_settlement_runs_page_newest_first_and_payouts_are_money_per_currency(client, app, connect_server):
    w = await world(client, app, connect_server)
    h = auth(w["finance"])
    # given two settlement runs
    first = await settle_via_api(client, w["finance"])
    second = await settle_via_api(client, w["finance"])
    # when finance lists them one per page
    page = (await client.get("/api/v1/finance/settlements?limit=1", headers=h)).json()
    rest = (await client.get(f"/api/v1/finance/settlements?limit=1&cursor={page['next_cursor']}", headers=h)).json()
    # then the newest comes first, with its typed summary, and the walk ends
    assert [r["id"] for r in page["items"] + rest["items"]] == [second["run_id"], first["run_id"]]
    assert rest["next_cursor"] is None
    assert rest["items"][0]["summary"]["payouts"] == 2 and page["items"][0]["state"] == "finished"
    # and the reconciliation's paid payouts are integer minor units beside their currency
    until = (utcnow() + timedelta(minutes=1)).isoformat()
    recon = (await client.get("/api/v1/finance/reconciliation", params={"until": until}, headers=h)).json()
    assert recon["payouts"]["paid"] == [{"currency": "CNY", "amount_minor": 2000}]
