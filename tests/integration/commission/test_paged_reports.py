"""Statements in parts (summary apart, lines by cursor), streamed CSV exports, and the
reconciliation read from the kept totals and the local copy of Stripe's transfers: the same
figures as the whole statement, for each owner only."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from commission.models import StripeTransfer
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload
from tests.factories_finance import settle_via_api


@pytest.fixture
def app(db_url, connect_server):
    return create_app(
        make_settings(db_url, stripe_api_key="sk_test_commission", stripe_connect_api_base=connect_server.base_url)
    )


async def sale_world(client, app, connect_server, orders: int = 7):
    admin = await make_token(app, "admin")
    finance = await make_token(app, "finance")
    brand = await make_brand(client, admin)
    partner = await make_partner(
        app, brand_id=brand["id"], stripe_account_id=connect_server.add_account(), minimum_payout_minor=100
    )
    paid = [
        order_paid_payload(
            brand["id"], [("sku_a", 10000 + i)], partner_id=partner, paid_at=utcnow() - timedelta(days=9, hours=i)
        )
        for i in range(orders)
    ]
    await emit_events(app, *(("OrderPaid", o) for o in paid))
    await emit_events(app, ("OrderRefunded", order_refunded_payload(paid[0], 3000, 3000)))
    await settle_via_api(client, finance)
    return {
        "finance": finance,
        "brand": brand,
        "brand_token": await make_token(app, "brand", brand_id=brand["id"]),
        "partner": partner,
        "partner_token": await make_token(app, "partner", partner_id=partner),
    }


async def all_pages(client, path, token, params, limit):
    lines, cursor, pages = [], None, 0
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = await client.get(path, params=query, headers=auth(token))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert len(body["items"]) <= limit
        lines += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return lines, pages


def key(line):
    return (line["effective_at"], line["transaction_id"], line["account"], line["amount_minor"])


@pytest.mark.parametrize("owner", ["brand", "partner"])
async def test_summary_and_paged_lines_are_the_whole_statement(client, app, connect_server, owner):
    w = await sale_world(client, app, connect_server)
    base = f"/api/v1/brands/{w['brand']['id']}" if owner == "brand" else f"/api/v1/partners/{w['partner']}"
    token = w["brand_token"] if owner == "brand" else w["partner_token"]
    params = {
        "since": (utcnow() - timedelta(days=30)).isoformat(),
        "until": (utcnow() + timedelta(minutes=1)).isoformat(),
    }
    # given the whole statement, as it always was
    whole = (await client.get(f"{base}/statement", params=params, headers=auth(token))).json()
    assert len(whole["lines"]) > 5
    # when the summary and the lines are read apart, three lines a page
    summary = (await client.get(f"{base}/statement/summary", params=params, headers=auth(token))).json()
    lines, pages = await all_pages(client, f"{base}/statement/lines", token, params, 3)
    # then they are the statement: the same currencies, every line once, oldest first
    assert summary == {k: v for k, v in whole.items() if k != "lines"}
    assert sorted(map(key, lines)) == sorted(map(key, whole["lines"]))
    assert [line["effective_at"] for line in lines] == sorted(line["effective_at"] for line in lines)
    assert pages == -(-len(lines) // 3)  # no empty last page
    # and the streamed CSV has the same lines (the partner's between its opening and closing rows)
    exported = await client.get(f"{base}/statement.csv", params=params, headers=auth(token))
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    body = [r for r in rows if r["reason"] not in ("opening_balance", "closing_balance")]
    assert sorted((r["transaction_id"], r["account"], int(r["amount_minor"])) for r in body) == sorted(
        (line["transaction_id"], line["account"], line["amount_minor"]) for line in whole["lines"]
    )
    if owner == "partner":
        assert rows[0]["reason"] == "opening_balance" and rows[-1]["reason"] == "closing_balance"
        assert int(rows[-1]["amount_minor"]) == whole["currencies"][0]["closing_owed_minor"]


async def test_statement_parts_are_for_their_owner_only(client, app, connect_server):
    w = await sale_world(client, app, connect_server, orders=2)
    admin = await make_token(app, "admin")
    other_brand = await make_brand(client, admin)
    stranger = await make_token(app, "brand", brand_id=other_brand["id"])
    other_partner = await make_token(app, "partner", partner_id=await make_partner(app))
    for path, token in (
        (f"/api/v1/brands/{w['brand']['id']}/statement/summary", stranger),
        (f"/api/v1/brands/{w['brand']['id']}/statement/lines", stranger),
        (f"/api/v1/brands/{w['brand']['id']}/statement.csv", stranger),
        (f"/api/v1/partners/{w['partner']}/statement/summary", other_partner),
        (f"/api/v1/partners/{w['partner']}/statement/lines", other_partner),
        (f"/api/v1/partners/{w['partner']}/statement.csv", other_partner),
    ):
        answer = await client.get(path, headers=auth(token))
        assert answer.status_code in (403, 404), (path, answer.status_code)
        assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("params", [{"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 1001}, {"since": "yesterday"}])
async def test_bad_line_requests_are_422(client, app, connect_server, params):
    w = await sale_world(client, app, connect_server, orders=1)
    answer = await client.get(
        f"/api/v1/partners/{w['partner']}/statement/lines", params=params, headers=auth(w["finance"])
    )
    assert answer.status_code == 422, answer.text


async def test_reconciliation_says_when_and_matches_the_local_copy_of_transfers(client, app, connect_server):
    # given a settled sale (one Stripe transfer)
    w = await sale_world(client, app, connect_server, orders=3)
    params = {
        "since": (utcnow() - timedelta(days=30)).isoformat(),
        "until": (utcnow() + timedelta(minutes=1)).isoformat(),
    }
    # when finance reconciles, twice
    first = (await client.get("/api/v1/finance/reconciliation", params=params, headers=auth(w["finance"]))).json()
    second = (await client.get("/api/v1/finance/reconciliation", params=params, headers=auth(w["finance"]))).json()
    # then both tie out against the one transfer, copied once, and say when they were taken
    for body in (first, second):
        assert body["ok"], body["mismatches"]
        assert body["payouts"]["transfers"] == 1 and body["payouts"]["matched"] == 1
        assert body["as_of"] and body["payouts"]["transfers_as_of"]
    assert second["as_of"] >= first["as_of"]
    async with app.state.sessionmaker() as session:
        copied = (await session.exec(select(StripeTransfer))).all()
    assert sorted(t.id for t in copied) == sorted(connect_server.state.transfers)
    assert copied[0].currency == "CNY" and copied[0].payout_id
