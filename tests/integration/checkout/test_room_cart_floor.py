"""The durable floor of the room's cart counter: units still in carts plus units ordered from a
cart, read from the database (what a room rebuilds from when Redis lost its counters)."""

from __future__ import annotations

from broadcast.liveroom.recount import durable_cart_adds
from tests.factories_checkout import add_to_cart, buy, make_shop, visitor


async def test_cart_floor_counts_cart_lines_and_ordered_lines(app, client):
    shop = await make_shop(app, client, stock=20)
    # given one visitor who keeps 2 units in the cart, another who checked 3 out (the cart line is gone)
    response = await add_to_cart(client, shop, visitor(), quantity=2)
    assert response.status_code == 200, response.text
    await buy(client, shop, quantity=3)
    # when the room reads its floor from the database
    async with app.state.sessionmaker() as session:
        floor = await durable_cart_adds(session, shop.session_id)
        other = await durable_cart_adds(session, "ses_another")
    # then both count, and nothing leaks from another session
    assert floor == {shop.sku_id: 5}
    assert other == {}
