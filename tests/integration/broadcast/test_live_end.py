"""Brands, SKUs, sessions, line-ups and pins through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.factories import add_to_lineup, auth, go_live, make_brand, make_session, make_sku, make_token


async def test_brand_publishes_a_session_goes_live_and_pins(app, client):
    # given a brand with a SKU in a scheduled session's line-up
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    sku = await make_sku(client, token, brand["id"], price_minor=12800, stock=5)
    session = await make_session(client, token, brand["id"])
    item = await add_to_lineup(client, token, session["id"], sku["id"], live_price_minor=9900, limited_quantity=3)
    assert item["price_minor"] == 9900 and item["list_price_minor"] == 12800 and item["currency"] == "CNY"
    # when it goes live and pins the SKU
    live = await go_live(client, token, session["id"])
    pinned = await client.put(f"/api/v1/sessions/{session['id']}/pin", json={"sku_id": sku["id"]}, headers=auth(token))
    # then the session shows the pin with a time, and the history records it
    assert live["state"] == "live" and live["started_at"] is not None
    assert pinned.status_code == 200 and pinned.json()["sku_id"] == sku["id"]
    got = (await client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))).json()
    assert got["pinned_sku_id"] == sku["id"] and got["pinned_at"] is not None
    pins = (await client.get(f"/api/v1/sessions/{session['id']}/pins", headers=auth(token))).json()
    assert [p["sku_id"] for p in pins["items"]] == [sku["id"]]


async def test_ended_session_cannot_go_live_again_or_change(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    await go_live(client, token, session["id"])
    ended = await client.post(f"/api/v1/sessions/{session['id']}/state", json={"state": "ended"}, headers=auth(token))
    assert ended.status_code == 200
    again = await client.post(f"/api/v1/sessions/{session['id']}/state", json={"state": "live"}, headers=auth(token))
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["type"].endswith("/illegal-transition")
    sku = await make_sku(client, token, brand["id"])
    late = await client.post(
        f"/api/v1/sessions/{session['id']}/lineup", json={"sku_id": sku["id"]}, headers=auth(token)
    )
    assert late.status_code == 409
    state = (await client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))).json()["state"]
    assert state == "ended"


async def test_pagination_walks_every_sku_once(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    created = {(await make_sku(client, token, brand["id"]))["id"] for _ in range(5)}
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"/api/v1/brands/{brand['id']}/skus", params=params, headers=auth(token))).json()
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(created)
