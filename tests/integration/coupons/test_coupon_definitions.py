"""A brand defines, lists, reads and deactivates coupons; bad definitions change nothing; another
brand's token sees none of it (404)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_checkout import make_shop
from tests.factories_coupons import coupon_body, coupon_rows, make_coupon


async def test_brand_creates_lists_reads_and_deactivates_coupons(app, client):
    # given a shop
    shop = await make_shop(app, client, live=False)
    # when it defines an amount-off and a percent-off coupon (on its own SKU)
    amount = await make_coupon(client, shop.token, shop.brand_id, min_spend_minor=5000)
    percent = await make_coupon(
        client,
        shop.token,
        shop.brand_id,
        percent_off_bps="1250.5",
        sku_ids=[shop.sku_id],
        per_buyer_limit=2,
        total_limit=3,
    )
    # then they read back as defined, with nothing claimed yet
    assert (amount["amount_off_minor"], amount["currency"], amount["percent_off_bps"]) == (1000, "CNY", None)
    assert (percent["percent_off_bps"], percent["currency"], percent["sku_ids"]) == (1250.5, None, [shop.sku_id])
    assert (percent["remaining"], percent["claimed"], percent["used"], percent["active"]) == (3, 0, 0, True)
    # and list in pages, oldest first
    first = (await client.get(f"/api/v1/brands/{shop.brand_id}/coupons?limit=1", headers=auth(shop.token))).json()
    assert [c["id"] for c in first["items"]] == [amount["id"]] and first["next_cursor"]
    rest = (
        await client.get(
            f"/api/v1/brands/{shop.brand_id}/coupons?limit=1&cursor={first['next_cursor']}", headers=auth(shop.token)
        )
    ).json()
    assert [c["id"] for c in rest["items"]] == [percent["id"]] and rest["next_cursor"] is None
    # when one is deactivated
    off = await client.post(f"/api/v1/coupons/{amount['id']}/deactivate", headers=auth(shop.token))
    # then it says so, on reading too
    assert off.status_code == 200 and off.json()["active"] is False and off.json()["deactivated_at"]
    got = await client.get(f"/api/v1/coupons/{amount['id']}", headers=auth(shop.token))
    assert got.json()["active"] is False


def _bad_bodies(sku_of_other_brand: str) -> list[tuple[dict, str]]:
    now = datetime.now(UTC)
    return [
        ({"percent_off_bps": 500, "amount_off_minor": 100, "currency": "CNY"}, "either"),
        ({"amount_off_minor": None}, "either"),
        ({"currency": None}, "currency"),
        ({"currency": "USD"}, "currency"),
        ({"percent_off_bps": 0}, "percent_off_bps"),
        ({"percent_off_bps": 10001}, "percent_off_bps"),
        ({"total_limit": 0}, "total_limit"),
        ({"per_buyer_limit": 0}, "per_buyer_limit"),
        ({"amount_off_minor": 0}, "amount_off_minor"),
        ({"min_spend_minor": -1}, "min_spend_minor"),
        ({"valid_until": (now - timedelta(days=1)).isoformat()}, "valid_until"),
        ({"sku_ids": [sku_of_other_brand]}, "sku_ids"),
        ({"sku_ids": ["sku_nope"]}, "sku_ids"),
        ({"surprise": 1}, "surprise"),
    ]


async def test_bad_definitions_are_refused_and_change_nothing(app, client):
    # given a shop, and a SKU of another brand
    shop = await make_shop(app, client, live=False)
    admin = await make_token(app, "admin")
    other = await make_brand(client, admin)
    foreign_sku = await make_sku(client, await make_token(app, "brand", brand_id=other["id"]), other["id"])
    before = await coupon_rows(app)
    for fields, mentioned in _bad_bodies(foreign_sku["id"]):
        # when the brand sends a bad coupon
        body = coupon_body(**fields)
        response = await client.post(f"/api/v1/brands/{shop.brand_id}/coupons", json=body, headers=auth(shop.token))
        # then it is a problem+json 4xx naming what to fix
        assert response.status_code in (400, 422), (fields, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert mentioned in response.text, (fields, response.text)
    # and nothing was written
    assert await coupon_rows(app) == before


async def test_another_brands_token_gets_404_on_coupons_and_drops(app, client):
    # given a brand's coupon, and a token of another brand
    shop = await make_shop(app, client)
    coupon = await make_coupon(client, shop.token, shop.brand_id)
    other = await make_brand(client, await make_token(app, "admin"))
    stranger = auth(await make_token(app, "brand", brand_id=other["id"]))
    before = await coupon_rows(app)
    # when the stranger reads, lists, creates, deactivates and drops
    responses = [
        await client.get(f"/api/v1/coupons/{coupon['id']}", headers=stranger),
        await client.get(f"/api/v1/brands/{shop.brand_id}/coupons", headers=stranger),
        await client.post(f"/api/v1/brands/{shop.brand_id}/coupons", json=coupon_body(), headers=stranger),
        await client.post(f"/api/v1/coupons/{coupon['id']}/deactivate", headers=stranger),
        await client.post(
            f"/api/v1/sessions/{shop.session_id}/coupon-drops", json={"coupon_id": coupon["id"]}, headers=stranger
        ),
    ]
    # then every answer is 404 and nothing changed
    assert [r.status_code for r in responses] == [404] * 5
    assert await coupon_rows(app) == before
