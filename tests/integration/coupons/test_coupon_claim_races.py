"""Races on PostgreSQL: concurrent claims never exceed a coupon's stock, nor one buyer's limit."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from litestar.testing import AsyncTestClient

from server.app import create_app
from tests.app_settings import stripe_settings
from tests.factories_checkout import make_shop, visitor
from tests.factories_coupons import claim, dropped_coupon

EXHAUSTED = "https://zhixiang.dev/problems/coupon-exhausted"
LIMIT = "https://zhixiang.dev/problems/coupon-claim-limit"


async def _claims_in_db(app, coupon_id: str) -> tuple[int, int]:
    async with app.state.engine.connect() as conn:
        claimed = (await conn.execute(sa.text("SELECT claimed FROM coupons WHERE id = :c"), {"c": coupon_id})).scalar()
        rows = (
            await conn.execute(sa.text("SELECT count(*) FROM coupon_claims WHERE coupon_id = :c"), {"c": coupon_id})
        ).scalar()
    return int(claimed), int(rows)


async def test_thirty_viewers_racing_for_ten_coupons_get_exactly_ten(postgres_db_url, localstripe):
    app = create_app(stripe_settings(postgres_db_url, localstripe))
    async with AsyncTestClient(app=app) as client:
        # given a coupon of 10 units dropped in a live room
        shop = await make_shop(app, client)
        coupon = await dropped_coupon(client, shop, total_limit=10)
        # when 30 viewers claim at once
        responses = await asyncio.gather(*(claim(client, shop.session_id, coupon["id"], visitor()) for _ in range(30)))
        # then exactly 10 succeed, the other 20 are told it is exhausted, and the counter agrees with the rows
        codes = sorted(r.status_code for r in responses)
        assert codes == [201] * 10 + [409] * 20, [r.text for r in responses if r.status_code not in (201, 409)]
        assert {r.json()["type"] for r in responses if r.status_code == 409} == {EXHAUSTED}
        assert sorted(r.json()["remaining"] for r in responses if r.status_code == 201) == list(range(10))
        assert await _claims_in_db(app, coupon["id"]) == (10, 10)


async def test_one_viewer_racing_five_claims_gets_exactly_one(postgres_db_url, localstripe):
    app = create_app(stripe_settings(postgres_db_url, localstripe))
    async with AsyncTestClient(app=app) as client:
        # given a coupon of 10 units, 1 per buyer
        shop = await make_shop(app, client)
        coupon = await dropped_coupon(client, shop, total_limit=10, per_buyer_limit=1)
        me = visitor()
        # when one viewer fires 5 claims at once
        responses = await asyncio.gather(*(claim(client, shop.session_id, coupon["id"], me) for _ in range(5)))
        # then exactly one succeeds, the others hit the per-buyer limit, and only one unit was taken
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
        assert {r.json()["type"] for r in responses if r.status_code == 409} == {LIMIT}
        assert await _claims_in_db(app, coupon["id"]) == (1, 1)
