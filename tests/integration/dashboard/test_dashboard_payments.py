"""Each batch of payments recounts only the minutes it fell in (orders and GMV counted in SQL, not
every order since re-read), and the minute it writes is what a full rebuild from the orders and
refunds gives: the GMV nets the refunds already made in that minute."""

from __future__ import annotations

from sqlmodel import select

from server.dashboard import minutes
from server.dashboard.models import SessionMinute
from tests.factories_dashboard import PRICE_A, PRICE_B, buyer, buys, refund, sale, start_of_a_fresh_minute


async def rows(app, session_id: str) -> dict:
    async with app.state.sessionmaker() as db:
        found = (await db.exec(select(SessionMinute).where(SessionMinute.session_id == session_id))).all()
    return {row.minute.replace(tzinfo=None): (row.orders, row.gmv_minor, row.refunds_minor) for row in found}


async def rebuilt(app, session_id: str) -> dict:
    async with app.state.sessionmaker() as db:
        computed = await minutes.flows(db, session_id)
    return {
        m.replace(tzinfo=None): (v["orders"], v["gmv_minor"], v["refunds_minor"]) for m, v in computed.by_minute.items()
    }


async def test_payments_recount_their_own_minute_net_of_its_refunds(app, client, localstripe):
    world = await sale(app, client)
    # given a paid order, refunded in part within its minute (no sampler runs in tests)
    first = await buys(app, client, localstripe, world, await buyer(app, client, world, True), world.shop.sku_id, 1)
    await app.state.dispatcher.drain()
    await refund(client, world, first["id"], 1000)
    await app.state.dispatcher.drain()
    # when two more orders are paid in the same minute, and one in the next
    for sku in (world.shop.sku_id, world.sku_b):
        await buys(app, client, localstripe, world, await buyer(app, client, world, False), sku, 1)
    await app.state.dispatcher.drain()
    later = start_of_a_fresh_minute()
    await buys(app, client, localstripe, world, await buyer(app, client, world, False), world.sku_b, 1)
    await app.state.dispatcher.drain()
    # then each minute holds its orders and its GMV net of its refund, as a rebuild from the rows says
    found = await rows(app, world.session_id)
    assert found[later.replace(tzinfo=None)] == (1, PRICE_B, 0)
    first_minute = min(found)
    assert found[first_minute] == (3, 2 * PRICE_A + PRICE_B - 1000, 1000)
    assert found == await rebuilt(app, world.session_id)
