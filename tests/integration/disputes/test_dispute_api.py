"""The disputes API: `{items, next_cursor}`, a brand sees only its own, finance sees every brand's,
a partner none; open by default, with the evidence deadline and the frozen commission."""

from __future__ import annotations

from tests.factories import auth, make_token
from tests.factories_disputes import DUE_BY, disputable_order, dispute_object, send


async def test_brands_see_their_own_open_disputes_and_finance_sees_all(app, client):
    # given two brands, each with a disputed order, and one of brand A's disputes closed
    a = await disputable_order(app, client, paid_days_ago=1)
    b = await disputable_order(app, client, paid_days_ago=1)
    a2 = await disputable_order(app, client, paid_days_ago=1, brand_id=a["brand_id"], partner_id=a["partner_id"])
    dispute_a = dispute_object(a["intent_id"], 10000)
    await send(client, "charge.dispute.created", dispute_a)
    await send(client, "charge.dispute.created", dispute_object(b["intent_id"], 10000))
    closed = dispute_object(a2["intent_id"], 10000)
    await send(client, "charge.dispute.created", closed)
    await send(client, "charge.dispute.closed", {**closed, "status": "won"})
    # when brand A lists its disputes
    mine = await client.get(f"/api/v1/brands/{a['brand_id']}/disputes", headers=a["headers"])
    # then it sees its open one only, with the deadline, the amount, the order and the frozen share
    assert mine.status_code == 200, mine.text
    body = mine.json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    [item] = body["items"]
    assert item["stripe_dispute_id"] == dispute_a["id"] and item["order_id"] == a["order"]["order_id"]
    assert item["amount_minor"] == 10000 and item["frozen_minor"] == 1000 and item["held_from"] == "pending"
    assert item["due_by"].startswith("2030-01-01") and DUE_BY
    everything = await client.get(
        f"/api/v1/brands/{a['brand_id']}/disputes", params={"status": "all"}, headers=a["headers"]
    )
    assert len(everything.json()["items"]) == 2
    # and not brand B's (404, as for any other brand's resource), nor may a partner look
    assert (await client.get(f"/api/v1/brands/{b['brand_id']}/disputes", headers=a["headers"])).status_code == 404
    partner = await make_token(app, "partner", partner_id=a["partner_id"])
    assert (await client.get("/api/v1/finance/disputes", headers=auth(partner))).status_code == 403
    assert (await client.get("/api/v1/finance/disputes", headers=a["headers"])).status_code == 403
    # finance sees both brands' open disputes, newest first, page by page
    finance = await make_token(app, "finance")
    first = (await client.get("/api/v1/finance/disputes", params={"limit": 1}, headers=auth(finance))).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    rest = await client.get(
        "/api/v1/finance/disputes", params={"limit": 1, "cursor": first["next_cursor"]}, headers=auth(finance)
    )
    seen = {first["items"][0]["brand_id"], rest.json()["items"][0]["brand_id"]}
    assert seen == {a["brand_id"], b["brand_id"]}
    bad = await client.get("/api/v1/finance/disputes", params={"status": "nope"}, headers=auth(finance))
    assert bad.status_code == 400 or bad.status_code == 422
