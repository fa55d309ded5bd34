"""Group offers: the brand sets a line-up SKU's group price, size and window; bad offers are
refused with nothing written; another brand cannot see or touch them; viewers list active ones."""

from __future__ import annotations

import pytest

from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_checkout import make_shop
from tests.factories_groupbuy import make_offer, snapshot


@pytest.fixture
def settings(pg_only_settings):
    """PostgreSQL only: plain validation, the same on both databases (the suite stays fast)."""
    return pg_only_settings


async def test_offer_is_created_and_listed_for_viewers(app, client):
    shop = await make_shop(app, client, price_minor=9900, live_price_minor=8900)
    offer = await make_offer(client, shop, group_size=3, window_minutes=60, group_price_minor=6900)
    assert (offer["price_minor"], offer["group_price_minor"], offer["currency"]) == (8900, 6900, "CNY")
    assert offer["groups"] == {"open": 0, "filled": 0, "expired": 0} and offer["active"] is True
    listed = await client.get(f"/api/v1/sessions/{shop.session_id}/group-offers")  # no token: public
    assert listed.status_code == 200 and [o["id"] for o in listed.json()["items"]] == [offer["id"]]
    managed = await client.get(f"/api/v1/sessions/{shop.session_id}/group-offers/manage", headers=auth(shop.token))
    assert [o["id"] for o in managed.json()["items"]] == [offer["id"]]


async def test_bad_offers_are_refused_and_change_nothing(app, client):
    shop = await make_shop(app, client, price_minor=9900)
    admin = await make_token(app, "admin")
    stray = await make_sku(client, shop.token, shop.brand_id, stock=3, price_minor=9900)  # not in the line-up
    url = f"/api/v1/sessions/{shop.session_id}/group-offers"
    good = {"sku_id": shop.sku_id, "group_price_minor": 5000, "group_size": 2, "window_minutes": 30}
    before = await snapshot(app)
    for change in (
        {"group_price_minor": 9900},
        {"group_price_minor": 0},
        {"group_price_minor": 12000},
        {"group_size": 1},
        {"group_size": 51},
        {"window_minutes": 0},
        {"window_minutes": 1441},
        {"currency": "USD"},
        {"currency": "usd"},
        {"sku_id": stray["id"]},
        {"coupon": "X"},
    ):
        response = await client.post(url, json={**good, **change}, headers=auth(shop.token))
        assert response.status_code in (400, 422), (change, response.text)
    assert await snapshot(app) == before
    async with app.state.sessionmaker() as session:
        from sqlmodel import select

        from broadcast.groupbuy.models import GroupOffer

        assert (await session.exec(select(GroupOffer))).all() == []
    assert (await client.post(url, json={**good, "currency": "CNY"}, headers=auth(admin))).status_code == 201


async def test_another_brand_gets_404(app, client):
    shop = await make_shop(app, client)
    offer = await make_offer(client, shop)
    admin = await make_token(app, "admin")
    other = await make_brand(client, admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    base = f"/api/v1/sessions/{shop.session_id}/group-offers"
    body = {"sku_id": shop.sku_id, "group_price_minor": 5000, "group_size": 2, "window_minutes": 30}
    assert (await client.post(base, json=body, headers=auth(other_token))).status_code == 404
    assert (await client.get(f"{base}/manage", headers=auth(other_token))).status_code == 404
    assert (await client.post(f"{base}/{offer['id']}/deactivate", headers=auth(other_token))).status_code == 404
    assert (await client.post(base, json=body)).status_code == 401
    listed = await client.get(base)
    assert [o["active"] for o in listed.json()["items"]] == [True]
