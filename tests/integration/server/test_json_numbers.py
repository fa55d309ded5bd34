"""Rates go out as JSON numbers (an integer when whole), never as strings like "1500.00"; money as
integer minor units (the rule is written in `server/kernel/decimals.py`)."""

from __future__ import annotations

from typing import Any

from tests.factories import auth, make_sku
from tests.factories_checkout import make_shop
from tests.factories_coupons import dropped_coupon, make_coupon


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


async def test_coupon_percentages_are_numbers_in_the_console_and_the_room(app, client):
    # given a percent-off coupon of 15 % and one of 12.505 %, both dropped in the room
    shop = await make_shop(app, client)
    whole = await dropped_coupon(client, shop, percent_off_bps="1500")
    part = await make_coupon(client, shop.token, shop.brand_id, percent_off_bps="1250.5")
    # then both the brand and the viewer read numbers
    assert whole["percent_off_bps"] == 1500 and type(whole["percent_off_bps"]) is int
    assert part["percent_off_bps"] == 1250.5 and type(part["percent_off_bps"]) is float
    listed = (await client.get(f"/api/v1/brands/{shop.brand_id}/coupons", headers=auth(shop.token))).json()
    assert {type(c["percent_off_bps"]) for c in listed["items"]} == {int, float}
    room = (await client.get(f"/api/v1/sessions/{shop.session_id}/coupons")).json()["items"]
    assert [(c["percent_off_bps"], type(c["percent_off_bps"])) for c in room] == [(1500, int)]
    amount_off = await make_coupon(client, shop.token, shop.brand_id)
    assert type(amount_off["amount_off_minor"]) is int and amount_off["percent_off_bps"] is None


async def test_commission_rates_are_numbers(app, client):
    # given a brand's policy and two rules, one with a fraction of a basis point
    shop = await make_shop(app, client, live=False)
    h, base = auth(shop.token), f"/api/v1/brands/{shop.brand_id}"
    policy = await client.put(
        f"{base}/commission-policy", json={"platform_fee_bps": "250", "parent_override_bps": 12.5}, headers=h
    )
    other = await make_sku(client, shop.token, shop.brand_id)
    for sku_id, rate in ((shop.sku_id, "1200"), (other["id"], "1333.3333")):
        added = await client.post(f"{base}/commission-rules", json={"sku_id": sku_id, "rate_bps": rate}, headers=h)
        assert added.status_code == 201, added.text
    # then the policy and the rules read back as numbers
    body = policy.json()
    assert (body["platform_fee_bps"], body["parent_override_bps"]) == (250, 12.5)
    assert all(is_number(body[k]) for k in ("platform_fee_bps", "parent_override_bps", "default_commission_bps"))
    again = (await client.get(f"{base}/commission-policy", headers=h)).json()
    assert type(again["platform_fee_bps"]) is int and type(again["default_commission_bps"]) is int
    rules = (await client.get(f"{base}/commission-rules", headers=h)).json()["items"]
    assert sorted(r["rate_bps"] for r in rules) == [1200, 1333.3333]
    assert {type(r["rate_bps"]) for r in rules} == {int, float}
