"""The last seat, on PostgreSQL with real concurrency: a group of 3 with 2 seats taken and ten
buyers joining at once — exactly one gets the seat, one order is made and one unit moves."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_checkout import make_shop
from tests.factories_groupbuy import buyer, join_group, make_offer, open_group
from tests.stripe_server import API_KEY, WEBHOOK_SECRET


@pytest.fixture
def settings(postgres_db_url, localstripe):
    return make_settings(
        postgres_db_url,
        stripe_api_key=API_KEY,
        stripe_api_base=localstripe.base_url,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_test_payments=True,
        order_sweep_interval_s=0,
        group_sweep_interval_s=0,
    )


async def test_the_last_seat_goes_to_exactly_one_of_ten(app, client, localstripe):
    # given a group of 3 with two seats taken, and 20 units in stock
    shop = await make_shop(app, client, stock=20)
    offer = await make_offer(client, shop, group_size=3)
    group = (await open_group(client, shop.session_id, offer["id"], buyer())).json()["group"]
    assert (await join_group(client, group["code"], buyer())).status_code == 201
    # when ten buyers join at the same moment
    responses = await asyncio.gather(*(join_group(client, group["code"], buyer()) for _ in range(10)))
    # then one seat was taken, nine were told it is full
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 9, [r.text for r in responses if r.status_code not in (201, 409)]
    assert all(r.json()["type"].endswith("/group-full") for r in responses if r.status_code == 409)
    view = (await client.get(f"/api/v1/groups/{group['code']}")).json()
    assert view["seats_taken"] == 3
    async with app.state.sessionmaker() as session:
        orders = (await session.execute(sa.text("SELECT count(*) FROM orders"))).scalar_one()
        members = (await session.execute(sa.text("SELECT count(*) FROM group_members"))).scalar_one()
    assert (orders, members) == (3, 3)
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    assert lineup[0]["stock"] == 17
