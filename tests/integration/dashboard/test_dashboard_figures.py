"""The live dashboard's figures for a played sale: scripted buyers through a partner's link and
straight to the room, likes and comments over the room socket, two pins, a cart left unpaid and
a full refund, across three minutes of the injected clock. Every figure, curve, SKU and partner
row the API gives equals what the test did and what the orders, clicks and comments rows say."""

from __future__ import annotations

import contextlib

from sqlmodel import col, func, select

from broadcast.checkout.models import Order
from distribution.models import Click
from server.dashboard.models import SessionMinute
from server.dashboard.sampler import sample
from server.kernel import clock
from server.kernel.clock import utcnow
from server.kernel.money import apply_rate
from tests.factories import auth
from tests.factories_checkout import add_to_cart
from tests.factories_dashboard import (
    PRICE_A,
    PRICE_B,
    buyer,
    buys,
    end,
    in_room,
    likes_reach,
    online_is,
    pin,
    refund,
    sale,
    says,
)
from tests.factories_liveroom import serving
from tests.waiting import eventually


async def play(app, client, stripe):
    """The sale, minute by minute (what the test did is in the returned world's `orders`)."""
    world = await sale(app, client)
    sid, sku_a, sku_b = world.session_id, world.shop.sku_id, world.sku_b
    async with serving(app) as host, contextlib.AsyncExitStack() as stack:
        # minute 0: four buyers (two through the link), two onlookers; 8 likes, a comment, SKU A pinned
        b1, b2, b3, b4 = [await buyer(app, client, world, via_link=v) for v in (True, False, True, False)]
        joining = utcnow()
        onlookers = [await stack.enter_async_context(in_room(host, sid)) for _ in range(2)]
        buyers_in_room = [await stack.enter_async_context(in_room(host, sid, h)) for h in (b1, b2, b3, b4)]
        joined = utcnow()
        await onlookers[0].send({"type": "like", "count": 5})
        await onlookers[1].send({"type": "like", "count": 3})
        await likes_reach(onlookers[0], 8)
        await says(buyers_in_room[0], "好喝吗")
        await pin(client, world, sku_a)
        await buys(app, client, stripe, world, b1, sku_a, 2)
        second = await buys(app, client, stripe, world, b2, sku_a, 1)
        await online_is(app, sid, 6)
        await sample(app)
        # minute 1: SKU B pinned and bought; one buyer only carts; 4 more likes, a comment; one leaves
        clock.advance(60)
        await pin(client, world, sku_b)
        await buys(app, client, stripe, world, b3, sku_b, 1)
        assert (await add_to_cart(client, world.selling(sku_a), b4, 1)).status_code == 200
        await onlookers[1].send({"type": "like", "count": 4})
        await likes_reach(onlookers[1], 12)
        await says(buyers_in_room[1], "Jasmine please")
        leaving = utcnow()
        await onlookers[0].close()
        await online_is(app, sid, 5)
        left = utcnow()
        await sample(app)
        # minute 2: the second order refunded in full, then the show ends
        clock.advance(60)
        await refund(client, world, second["id"], PRICE_A)
        await app.state.dispatcher.drain()
        await sample(app)
        await end(client, world)
        await app.state.dispatcher.drain()
        closing = utcnow()
    closed = utcnow()
    # the onlooker who left watched from join to leave, the other five until the show's sockets closed
    world.watched_s = (
        5 * (closing - joined).total_seconds() + (leaving - joined).total_seconds(),
        5 * (closed - joining).total_seconds() + (left - joining).total_seconds(),
    )
    return world


async def watched_s(app, session_id: str) -> int:
    return await app.state.liveroom.store.watch_ms(session_id) // 1000


async def test_the_dashboard_of_a_played_sale_equals_the_rows_and_what_the_buyers_did(app, client, localstripe):
    world = await play(app, client, localstripe)
    at_least, at_most = world.watched_s
    await eventually(lambda: _at_least(app, world.session_id, at_least), what="every visit handed to the store")
    dash = await client.get(f"/api/v1/sessions/{world.session_id}/dashboard", headers=auth(world.shop.token))
    assert dash.status_code == 200, dash.text
    body = dash.json()
    f = body["figures"]

    # then the headline figures are what the buyers did: 3 A + 1 B paid, 1 A refunded
    assert f["gmv_minor"] == 2 * PRICE_A + PRICE_B and f["refunds_minor"] == PRICE_A
    assert (f["paid_orders"], f["paid_buyers"]) == (2, 2)
    assert (f["viewers"], f["carting_visitors"]) == (6, 4)
    assert f["conversion"] == {
        "viewer_to_cart": round(4 / 6, 4),
        "cart_to_paid": 0.5,
        "viewer_to_paid": round(2 / 6, 4),
    }
    assert (f["online_now"], f["online_peak"]) == (0, 6)
    # average watch time is measured: each visitor's join to leave (the test bracketed them), ÷ 6 viewers
    assert int(at_least) // 6 <= f["avg_watch_s"] <= int(at_most) // 6
    assert f["avg_watch_s"] == await watched_s(app, world.session_id) // 6
    assert (f["likes"], f["comments"], f["cart_adds"], f["clicks"]) == (12, 2, 5, 2)
    assert (f["likes_per_min"], f["comments_per_min"]) == (12 / 5, 2 / 5)
    assert f["uv_value_minor"] == (2 * PRICE_A + PRICE_B) // 6
    # and they are what the database's rows say, computed here without the dashboard's code
    async with app.state.sessionmaker() as db:
        orders = (await db.exec(select(Order).where(Order.session_id == world.session_id))).all()
        counted = select(func.count()).where(
            Click.session_id == world.session_id, col(Click.is_bot).is_(False), col(Click.is_duplicate).is_(False)
        )
        clicks = (await db.exec(counted.select_from(Click))).one()
    minutes_stored = await _stored_minutes(app, world.session_id)
    paid = [o for o in orders if o.paid_at is not None]
    assert f["gmv_minor"] == sum(o.amount_minor - o.refunded_minor for o in paid)
    assert f["paid_orders"] == len([o for o in paid if o.refunded_minor < o.amount_minor])
    assert f["clicks"] == clicks

    # the curves, minute by minute (started, +1, +2 = ended)
    s = body["series"]
    assert len(s["minutes"]) == 3
    assert s["orders"] == [2, 1, 0]
    assert s["gmv_minor"] == [3 * PRICE_A, PRICE_B, -PRICE_A]
    assert s["likes"] == [8, 4, 0] and s["comments"] == [1, 1, 0]
    assert s["cart_adds"] == [3, 2, 0] and s["clicks"] == [2, 0, 0]
    assert s["online"] == [6, 5, 5]
    assert body["windows"]["gmv_minor"] == {"last": 2 * PRICE_A + PRICE_B, "previous": 0}
    # watch time per minute is the growth of the sampled measured total the minutes table holds
    assert sum(s["watch_s"]) == max(m.watch_s_total for m in minutes_stored) > 0
    # per viewer, the last 5 minutes (the whole show) against the 5 before (none), ÷ the peak of 6 online
    w = body["windows"]
    assert w["uv_value_minor"] == {"last": (2 * PRICE_A + PRICE_B) // 6, "previous": 0}
    assert w["conversion"] == {"last": round(2 / 6, 4), "previous": 0}
    assert w["avg_watch_s"] == {"last": sum(s["watch_s"]) // 6, "previous": 0}

    # the pins on the time axis, and what each sold
    assert [p["sku_id"] for p in body["pins"]] == [world.shop.sku_id, world.sku_b]
    assert body["pins"][0]["title"] == "Oolong tin"
    skus = {r["sku_id"]: r for r in body["skus"]}
    a, b = skus[world.shop.sku_id], skus[world.sku_b]
    assert (a["units"], a["buyers"], a["gmv_minor"], a["pin_buyers"]) == (2, 1, 2 * PRICE_A, 1)
    assert a["pin_conversion"] == round(1 / 6, 4)
    assert (b["units"], b["gmv_minor"], b["pin_buyers"], b["pin_conversion"]) == (1, PRICE_B, 1, round(1 / 5, 4))
    assert [r["sku_id"] for r in body["skus"]] == [world.shop.sku_id, world.sku_b]  # best-selling first

    # the partner leaderboard: the two orders through its link, 10 % estimated commission
    [partner] = [p for p in body["partners"] if p["partner_id"] == world.partner_id]
    assert (partner["orders"], partner["gmv_minor"]) == (2, 2 * PRICE_A + PRICE_B)
    assert partner["commission_estimate_minor"] == apply_rate(2 * PRICE_A + PRICE_B, 1000)


async def _at_least(app, session_id: str, seconds: float) -> bool:
    return await watched_s(app, session_id) >= int(seconds)


async def _stored_minutes(app, session_id: str) -> list[SessionMinute]:
    async with app.state.sessionmaker() as db:
        return list((await db.exec(select(SessionMinute).where(SessionMinute.session_id == session_id))).all())


async def test_a_lost_series_is_rebuilt_from_orders_clicks_and_comments(app, client, localstripe):
    world = await play(app, client, localstripe)
    url = f"/api/v1/sessions/{world.session_id}/dashboard"
    before = (await client.get(url, headers=auth(world.shop.token))).json()["series"]
    # when the per-minute table loses the session's rows
    async with app.state.sessionmaker() as db:
        for row in (await db.exec(select(SessionMinute).where(SessionMinute.session_id == world.session_id))).all():
            await db.delete(row)
        await db.commit()
    # then the dashboard rebuilds the flows from the source tables (the sampled gauges are gone)
    after = (await client.get(url, headers=auth(world.shop.token))).json()["series"]
    for name in ("orders", "gmv_minor", "comments", "cart_adds", "clicks"):
        assert after[name] == before[name], name
    assert after["online"] == [0, 0, 0]


async def test_the_sampler_writes_the_live_minute_and_a_late_refund_moves_its_own_minute(app, client, localstripe):
    world = await sale(app, client)
    shopper = await buyer(app, client, world, False)
    first = await buys(app, client, localstripe, world, shopper, world.shop.sku_id, 1)
    assert await sample(app) >= 1
    await end(client, world)
    await app.state.dispatcher.drain()
    # a refund an hour after the show lands in its own minute
    clock.advance(3600)
    await refund(client, world, first["id"], 4000)
    await app.state.dispatcher.drain()
    body = (await client.get(f"/api/v1/sessions/{world.session_id}/dashboard", headers=auth(world.shop.token))).json()
    assert body["figures"]["gmv_minor"] == PRICE_A - 4000
    assert body["series"]["gmv_minor"][0] == PRICE_A and body["series"]["gmv_minor"][-1] == -4000
    assert body["series"]["minutes"][-1].startswith(utcnow().strftime("%Y-%m-%dT%H:%M"))
    assert len(body["series"]["minutes"]) == 61
