"""The commission preview: an example order split as saved equals what accrual freezes for the same
order; proposed rules, policy and rates change only the proposed split, are refused exactly as
saving them would be, and write nothing; another brand's partners, SKUs and sessions stay unseen."""

from __future__ import annotations

from sqlmodel import func, select

from commission.models import CommissionPolicy, CommissionRule
from tests.factories import auth, make_brand, make_session, make_sku, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload


async def brand_world(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    return admin, brand, token, f"/api/v1/brands/{brand['id']}/commission-preview"


async def count(app, model) -> int:
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


def is_problem(response, status, field=None, slug=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field:
        assert any(e["field"].endswith(field) for e in response.json()["errors"]), response.json()
    if slug:
        assert response.json()["type"].endswith("/" + slug), response.json()


async def test_the_saved_split_is_the_one_accrual_freezes(app, client):
    # given a brand with a fee, a parent override, a guide at 8 % under a channel partner, and rules
    _, brand, token, url = await brand_world(app, client)
    h = auth(token)
    skus = [await make_sku(client, token, brand["id"], price_minor=p) for p in (9900, 4550, 12345)]
    live = await make_session(client, token, brand["id"])
    parent = await make_partner(app, brand_id=brand["id"])
    guide = await make_partner(app, parent_id=parent, brand_id=brand["id"], commission_bps=800)
    await client.put(
        f"/api/v1/brands/{brand['id']}/commission-policy",
        json={"platform_fee_bps": "250.5", "parent_override_bps": 300},
        headers=h,
    )
    for rule in (
        {"sku_id": skus[0]["id"], "partner_id": guide, "rate_bps": 2000},
        {"sku_id": skus[1]["id"], "session_id": live["id"], "rate_bps": "1500.25"},
    ):
        assert (await client.post(f"/api/v1/brands/{brand['id']}/commission-rules", json=rule, headers=h)).is_success
    # when the brand previews that guide selling the three SKUs in the session (amounts defaulted)
    body = {"partner_id": guide, "session_id": live["id"], "lines": [{"sku_id": s["id"]} for s in skus]}
    preview = await client.post(url, json=body, headers=h)
    assert preview.status_code == 200, preview.text
    # and the same order is paid
    order = order_paid_payload(
        brand["id"],
        [(s["id"], s["price_minor"]) for s in skus],
        partner_id=guide,
        parent_id=parent,
        session_id=live["id"],
    )
    await emit_events(app, ("OrderPaid", order))
    frozen = (await client.get(f"/api/v1/orders/{order['order_id']}/commission", headers=h)).json()
    # then the preview said exactly what accrual froze, share by share and rule by rule
    answer = preview.json()
    assert answer["amount_minor"] == 9900 + 4550 + 12345 and answer["currency"] == "CNY"
    keys = ("party", "owner_id", "sku_id", "amount_minor", "rule")
    assert [tuple(s[k] for k in keys) for s in answer["current"]["shares"]] == [
        tuple(line[k] for k in keys) for line in frozen["split_lines"]
    ]
    for total in ("partner_minor", "parent_minor", "platform_fee_minor", "brand_net_minor"):
        assert answer["current"][total] == frozen[total]
    assert answer["proposed"] == answer["current"]  # nothing proposed
    names = {s["party"]: s["owner_name"] for s in answer["current"]["shares"]}
    assert names["brand"] == brand["name"] and names["partner"].startswith("Partner ")


async def test_proposals_change_only_the_proposed_split_and_write_nothing(app, client):
    _, brand, token, url = await brand_world(app, client)
    h = auth(token)
    sku = await make_sku(client, token, brand["id"], price_minor=10000)
    partner = await make_partner(app, brand_id=brand["id"], commission_bps=800)
    rules_before, policies_before = await count(app, CommissionRule), await count(app, CommissionPolicy)
    example = {"partner_id": partner, "lines": [{"sku_id": sku["id"]}]}
    # a partner × SKU rule at 20 % replaces the partnership's 8 % in the proposed split only
    rule = {"sku_id": sku["id"], "partner_id": partner, "rate_bps": 2000}
    answer = (await client.post(url, json={**example, "proposed": {"rule": rule}}, headers=h)).json()
    assert (answer["current"]["partner_minor"], answer["proposed"]["partner_minor"]) == (800, 2000)
    assert answer["proposed"]["shares"][0]["rule"] == "partner_sku:proposed"
    assert answer["proposed"]["brand_net_minor"] == 8000
    # a policy with a fee, and the partner's own rate dropped for the brand default (as proposed: 12 %)
    proposed = {"policy": {"platform_fee_bps": 500, "default_commission_bps": 1200}, "partnership_bps": None}
    answer = (await client.post(url, json={**example, "proposed": proposed}, headers=h)).json()
    assert (answer["proposed"]["partner_minor"], answer["proposed"]["platform_fee_minor"]) == (1200, 500)
    assert answer["proposed"]["shares"][0]["rule"] == f"brand_default:{brand['id']}"
    assert (answer["current"]["partner_minor"], answer["current"]["platform_fee_minor"]) == (800, 0)
    # a direct sale earns no partner, only the fee
    direct = (
        await client.post(
            url,
            json={"lines": [{"sku_id": sku["id"], "amount_minor": 999}], "proposed": {"policy": proposed["policy"]}},
            headers=h,
        )
    ).json()
    assert [s["party"] for s in direct["proposed"]["shares"]] == ["platform", "brand"]
    assert direct["proposed"]["platform_fee_minor"] + direct["proposed"]["brand_net_minor"] == 999
    # and nothing was saved by any of it
    assert (await count(app, CommissionRule), await count(app, CommissionPolicy)) == (rules_before, policies_before)
    policy = (await client.get(f"/api/v1/brands/{brand['id']}/commission-policy", headers=h)).json()
    assert (policy["platform_fee_bps"], policy["default_commission_bps"]) == (0, 1000)


async def test_proposals_are_refused_as_saving_them_would_be(app, client):
    _, brand, token, url = await brand_world(app, client)
    h = auth(token)
    sku = await make_sku(client, token, brand["id"])
    partner = await make_partner(app, brand_id=brand["id"])
    await client.put(f"/api/v1/brands/{brand['id']}/commission-policy", json={"platform_fee_bps": 2000}, headers=h)
    example = {"partner_id": partner, "lines": [{"sku_id": sku["id"]}]}
    too_much = {"sku_id": sku["id"], "rate_bps": 8500}
    is_problem(
        await client.post(url, json={**example, "proposed": {"rule": too_much}}, headers=h),
        422,
        "rate_bps",
        "split-above-100-percent",
    )
    saving = await client.post(f"/api/v1/brands/{brand['id']}/commission-rules", json=too_much, headers=h)
    is_problem(saving, 422, "rate_bps", "split-above-100-percent")
    is_problem(
        await client.post(url, json={**example, "proposed": {"policy": {"platform_fee_bps": 9500}}}, headers=h),
        422,
        "platform_fee_bps",
        "split-above-100-percent",
    )
    both = {"sku_id": sku["id"], "partner_id": partner, "session_id": "ses_x", "rate_bps": 100}
    is_problem(await client.post(url, json={**example, "proposed": {"rule": both}}, headers=h), 422, "session_id")
    bad_bodies = [
        {"lines": []},
        {"lines": [{"sku_id": sku["id"], "amount_minor": -1}]},
        {"lines": [{"sku_id": sku["id"]}], "proposed": {"rule": {"sku_id": sku["id"], "rate_bps": "lots"}}},
        {"lines": [{"sku_id": sku["id"]}], "proposed": {"partnership_bps": 5}},  # no partner to give it to
        {"lines": [{"sku_id": sku["id"]}], "surprise": True},
    ]
    for body in bad_bodies:
        is_problem(await client.post(url, json=body, headers=h), 422)


async def test_another_brands_things_are_unseen(app, client):
    admin, brand, token, url = await brand_world(app, client)
    h = auth(token)
    sku = await make_sku(client, token, brand["id"])
    other = await make_brand(client, admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    their_sku = await make_sku(client, other_token, other["id"])
    their_session = await make_session(client, other_token, other["id"])
    their_partner = await make_partner(app, brand_id=other["id"])
    line = [{"sku_id": sku["id"]}]
    for body in (
        {"lines": [{"sku_id": their_sku["id"]}]},
        {"lines": line, "partner_id": their_partner},
        {"lines": line, "session_id": their_session["id"]},
        {"lines": line, "proposed": {"rule": {"sku_id": their_sku["id"], "rate_bps": 100}}},
    ):
        is_problem(await client.post(url, json=body, headers=h), 404)
    is_problem(await client.post(url, json={"lines": line}, headers=auth(other_token)), 404)
    partner_token = await make_token(app, "partner", partner_id=their_partner)
    is_problem(await client.post(url, json={"lines": line}, headers=auth(partner_token)), 403)


async def test_the_policy_sets_the_brand_default_rate_within_100_percent(app, client):
    _, brand, token, _ = await brand_world(app, client)
    h, base = auth(token), f"/api/v1/brands/{brand['id']}"
    saved = await client.put(
        f"{base}/commission-policy", json={"platform_fee_bps": 300, "default_commission_bps": 1500}, headers=h
    )
    assert saved.status_code == 200 and saved.json()["default_commission_bps"] == 1500
    assert (await client.get(base, headers=h)).json()["settings"]["default_commission_bps"] == 1500
    refused = await client.put(
        f"{base}/commission-policy", json={"platform_fee_bps": 300, "default_commission_bps": 9800}, headers=h
    )
    is_problem(refused, 422, "default_commission_bps", "split-above-100-percent")
    is_problem(
        await client.put(f"{base}/commission-policy", json={"default_commission_bps": 12.5}, headers=h),
        422,
        "default_commission_bps",
    )
    assert (await client.get(base, headers=h)).json()["settings"]["default_commission_bps"] == 1500
    policy = (await client.get(f"{base}/commission-policy", headers=h)).json()
    assert (policy["platform_fee_bps"], policy["default_commission_bps"]) == (300, 1500)
