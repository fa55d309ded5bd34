"""The catalogue as the console uses it: stock adjusted by a delta that loses no concurrent change,
never below zero, and SKUs found by title or code and by status."""

from __future__ import annotations

import asyncio

from tests.factories import auth, make_brand, make_sku, make_token


async def _brand(app, client) -> tuple[str, str]:
    brand = await make_brand(client, await make_token(app, "admin"))
    return brand["id"], await make_token(app, "brand", brand_id=brand["id"])


async def test_concurrent_stock_deltas_are_all_counted(app, client):
    brand_id, token = await _brand(app, client)
    sku = await make_sku(client, token, brand_id, stock=10)
    url = f"/api/v1/skus/{sku['id']}"
    # when 20 additions of one unit and 15 removals of one unit race each other
    changes = [client.patch(url, json={"stock_delta": d}, headers=auth(token)) for d in [1] * 20 + [-1] * 15]
    answers = await asyncio.gather(*changes)
    # then every one of them counted
    assert [a.status_code for a in answers] == [200] * 35
    assert (await client.get(url, headers=auth(token))).json()["stock"] == 15


async def test_stock_never_goes_below_zero_and_the_refusal_says_why(app, client):
    brand_id, token = await _brand(app, client)
    sku = await make_sku(client, token, brand_id, stock=3)
    url = f"/api/v1/skus/{sku['id']}"
    refused = await client.patch(url, json={"stock_delta": -4, "title": "renamed"}, headers=auth(token))
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["type"].endswith("/stock-below-zero")
    assert refused.json()["errors"] == [{"field": "stock_delta", "message": "more than in stock"}]
    kept = (await client.get(url, headers=auth(token))).json()
    assert (kept["stock"], kept["title"]) == (3, sku["title"])  # nothing of the refused change was kept
    both = await client.patch(url, json={"stock_delta": 1, "stock": 9}, headers=auth(token))
    assert both.status_code == 422 and "not both" in both.text


async def test_skus_are_found_by_title_or_code_and_by_status(app, client):
    brand_id, token = await _brand(app, client)
    tea = await make_sku(client, token, brand_id, code="TEA-100", title="Oolong 100% tea")
    await make_sku(client, token, brand_id, code="CUP-1", title="Tea cup")
    mug = await make_sku(client, token, brand_id, code="MUG-1", title="Mug")
    await client.patch(f"/api/v1/skus/{mug['id']}", json={"status": "archived"}, headers=auth(token))
    base = f"/api/v1/brands/{brand_id}/skus"

    async def codes(params: dict[str, str]) -> list[str]:
        answer = await client.get(base, params=params, headers=auth(token))
        assert answer.status_code == 200, answer.text
        return sorted(item["code"] for item in answer.json()["items"])

    assert await codes({"q": "TEA"}) == ["CUP-1", "TEA-100"]
    assert await codes({"q": "100%"}) == ["TEA-100"]  # a % is a character, not a wildcard
    assert await codes({"q": "_"}) == []
    assert await codes({"status": "archived"}) == ["MUG-1"]
    assert await codes({"q": "tea", "status": "active"}) == ["CUP-1", "TEA-100"]
    assert tea["status"] == "active"


async def test_another_brand_cannot_adjust_or_search_my_catalogue(app, client):
    brand_id, token = await _brand(app, client)
    _, other = await _brand(app, client)
    sku = await make_sku(client, token, brand_id, stock=5)
    adjusted = await client.patch(f"/api/v1/skus/{sku['id']}", json={"stock_delta": -5}, headers=auth(other))
    listed = await client.get(f"/api/v1/brands/{brand_id}/skus", params={"q": sku["code"]}, headers=auth(other))
    assert adjusted.status_code == 404 and listed.status_code in (403, 404)
    assert (await client.get(f"/api/v1/skus/{sku['id']}", headers=auth(token))).json()["stock"] == 5
