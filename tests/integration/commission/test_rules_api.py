"""Brands set rules and policy; the most specific rule wins; bad rates are 4xx; the ledger is untouched."""

from __future__ import annotations

from sqlmodel import func, select

from commission.models import LedgerEntry
from tests.factories import auth, make_brand, make_session, make_sku, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload


async def entry_count(app) -> int:
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(func.count()).select_from(LedgerEntry))).one()


async def split_of(client, token, order_id):
    response = await client.get(f"/api/v1/orders/{order_id}/commission", headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()


async def test_most_specific_rule_wins_and_each_line_names_it(client, app):
    # given a brand (default 10 %), a parent channel partner and its guide (partnership 8 %)
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    brand_token = await make_token(app, "brand", brand_id=brand["id"])
    skus = [await make_sku(client, brand_token, brand["id"]) for _ in range(5)]
    live = await make_session(client, brand_token, brand["id"])
    parent = await make_partner(app, brand_id=brand["id"])
    guide = await make_partner(app, parent_id=parent, brand_id=brand["id"], commission_bps=800)
    other = await make_partner(app, brand_id=brand["id"])
    h = auth(brand_token)
    assert (
        await client.put(
            f"/api/v1/brands/{brand['id']}/commission-policy",
            json={"platform_fee_bps": "250", "parent_override_bps": 300},
            headers=h,
        )
    ).status_code == 200
    rules = [
        {"sku_id": skus[0]["id"], "partner_id": guide, "rate_bps": 2000},
        {"sku_id": skus[0]["id"], "session_id": live["id"], "rate_bps": 1500},
        {"sku_id": skus[1]["id"], "session_id": live["id"], "rate_bps": 1500},
        {"sku_id": skus[1]["id"], "rate_bps": 1200},
        {"sku_id": skus[2]["id"], "rate_bps": 1200},
        {"sku_id": skus[3]["id"], "partner_id": other, "rate_bps": 3000},
    ]
    ids = []
    for rule in rules:
        response = await client.post(f"/api/v1/brands/{brand['id']}/commission-rules", json=rule, headers=h)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    # when the guide sells one of each SKU in the live session
    order = order_paid_payload(
        brand["id"], [(s["id"], 10000) for s in skus[:4]], partner_id=guide, parent_id=parent, session_id=live["id"]
    )
    await emit_events(app, ("OrderPaid", order))
    # then each line's rate comes from the most specific rule
    split = await split_of(client, brand_token, order["order_id"])
    partner_lines = [
        (line["sku_id"], line["rate_bps"], line["rule"]) for line in split["split_lines"] if line["party"] == "partner"
    ]
    assert partner_lines == [
        (skus[0]["id"], 2000, f"partner_sku:{ids[0]}"),
        (skus[1]["id"], 1500, f"lineup:{ids[2]}"),
        (skus[2]["id"], 1200, f"sku:{ids[4]}"),
        (skus[3]["id"], 800, split["split_lines"][6]["rule"]),
    ]
    assert split["split_lines"][6]["rule"].startswith("partnership:")
    assert split["partner_minor"] == 2000 + 1500 + 1200 + 800
    assert split["parent_minor"] == 4 * 300
    assert split["platform_fee_minor"] == 1000
    assert (
        split["partner_minor"] + split["parent_minor"] + split["platform_fee_minor"] + split["brand_net_minor"] == 40000
    )


async def test_self_referral_and_no_partner_accrue_only_the_fee(client, app):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    partner = await make_partner(app, brand_id=brand["id"])
    selfie = order_paid_payload(brand["id"], [("sku_x", 10000)], partner_id=partner, self_referral=True)
    nobody = order_paid_payload(brand["id"], [("sku_x", 10000)])
    refused = order_paid_payload(brand["id"], [("sku_x", 10000)], partner_id=partner)
    refused["attribution"]["earns"] = False  # distribution says this attribution does not earn
    await emit_events(app, ("OrderPaid", selfie), ("OrderPaid", nobody), ("OrderPaid", refused))
    for order, reason in ((selfie, "self_referral"), (nobody, "no_partner"), (refused, "not_earning")):
        split = await split_of(client, admin, order["order_id"])
        assert (split["partner_id"], split["partner_minor"], split["no_commission_reason"]) == (None, 0, reason)
        assert split["brand_net_minor"] == 10000


async def test_bad_rates_and_splits_above_100_percent_are_422_and_change_nothing(client, app):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    brand_token = await make_token(app, "brand", brand_id=brand["id"])
    sku = await make_sku(client, brand_token, brand["id"])
    partner = await make_partner(app, brand_id=brand["id"])
    await emit_events(app, ("OrderPaid", order_paid_payload(brand["id"], [(sku["id"], 1000)], partner_id=partner)))
    before = await entry_count(app)
    h, base = auth(brand_token), f"/api/v1/brands/{brand['id']}"
    await client.put(
        f"{base}/commission-policy", json={"platform_fee_bps": 1000, "parent_override_bps": 1000}, headers=h
    )
    cases = [
        ("post", f"{base}/commission-rules", {"sku_id": sku["id"], "rate_bps": 10001}),
        ("post", f"{base}/commission-rules", {"sku_id": sku["id"], "rate_bps": -5}),
        ("post", f"{base}/commission-rules", {"sku_id": sku["id"], "rate_bps": 8500}),
        ("put", f"{base}/commission-policy", {"platform_fee_bps": 5000, "parent_override_bps": 4500}),
        ("put", f"{base}/commission-policy", {"platform_fee_bps": "abc"}),
    ]
    for method, url, body in cases:
        response = await getattr(client, method)(url, json=body, headers=h)
        assert response.status_code == 422, (body, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    above = await client.post(f"{base}/commission-rules", json=cases[2][2], headers=h)
    assert above.json()["type"].endswith("/split-above-100-percent")
    assert await entry_count(app) == before


async def test_another_brand_cannot_touch_rules(client, app):
    admin = await make_token(app, "admin")
    mine, theirs = await make_brand(client, admin), await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=mine["id"])
    response = await client.get(f"/api/v1/brands/{theirs['id']}/commission-rules", headers=auth(token))
    assert response.status_code == 404
    partner_token = await make_token(app, "partner", partner_id=await make_partner(app))
    response = await client.put(f"/api/v1/brands/{mine['id']}/commission-policy", json={}, headers=auth(partner_token))
    assert response.status_code == 403
