"""Units reach the stock gate only once the database has them back: a closing that rolls back
gives nothing back; one that commits gives back once (on SQLite and PostgreSQL, memory gate)."""

from __future__ import annotations

from broadcast.checkout.closing import close_unpaid, lock_order
from broadcast.checkout.models import OrderState
from tests.factories_checkout import add_to_cart, checkout, make_shop, visitor


async def test_a_give_back_waits_for_the_commit_and_a_rollback_drops_it(app, client, localstripe):
    keeper = app.state.stock_gate
    shop = await make_shop(app, client, stock=2)
    headers = visitor()
    await add_to_cart(client, shop, headers, 1)
    order = (await checkout(client, shop, headers)).json()["order"]
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 1}
    # when the order is closed but that transaction rolls back
    async with app.state.sessionmaker() as db:
        assert await close_unpaid(db, await lock_order(db, order["id"]), OrderState.CANCELLED, "test")
        await db.rollback()
    await keeper.settled()
    # then the gate did not get the unit
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 1}
    # when it is closed and committed
    async with app.state.sessionmaker() as db:
        assert await close_unpaid(db, await lock_order(db, order["id"]), OrderState.CANCELLED, "test")
        await db.commit()
    await keeper.settled()
    # then the gate has it back, exactly once
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 2}
