"""Scoring from `OrderPaid` / `OrderRefunded` through the outbox: net GMV or orders, self-referrals
and flagged orders never count, teams add up, and the live board equals a rebuild from the DB."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
from litestar.testing import AsyncTestClient

from distribution.competitions import board as board_port
from distribution.competitions.counting import rebuild
from distribution.competitions.models import Competition
from server.app import create_app
from server.kernel.outbox import emit
from tests.conftest import empty_tables, make_settings
from tests.factories import auth
from tests.factories_commission import order_paid_payload
from tests.factories_pk import board, competition_body, create_competition, pay, pk_world, refund, scores


async def test_gmv_counts_net_paid_and_skips_self_referrals_and_flagged_orders(app, client):
    # given three partners in a period competition on GMV
    world = await pk_world(app, client, partners=3)
    a, b, c = world.partners
    cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
    # when a sells 100.00 then 30.00 is refunded, b sells 80.00, c sells 500.00 to itself,
    # an order of b before the period and one in another currency
    order_a = await pay(app, world, a, 10000)
    await refund(app, order_a, 3000, 3000)
    await pay(app, world, b, 8000)
    await pay(app, world, c, 50000, self_referral=True)
    await pay(app, world, b, 99999, currency="USD")
    # then the board is a 70.00, b 80.00, c 0 — b first
    assert scores(await board(client, world.brand_token, cid)) == [(b, 8000), (a, 7000), (c, 0)]
    # when the brand flags b's order, then it no longer counts; unflagging brings it back
    flagged = await pay(app, world, b, 4000)
    flag_url = f"/api/v1/brands/{world.brand_id}/orders/{flagged['order_id']}/flag"
    assert scores(await board(client, world.brand_token, cid))[0] == (b, 12000)
    assert (await client.post(flag_url, json={"reason": "card testing"}, headers=auth(world.brand_token))).is_success
    await app.state.dispatcher.drain()
    assert scores(await board(client, world.brand_token, cid))[0] == (b, 8000)
    assert (await client.delete(flag_url, headers=auth(world.brand_token))).status_code == 204
    assert scores(await board(client, world.brand_token, cid))[0] == (b, 12000)
    # and a rebuild from the database gives the same scores as the live increments
    async with app.state.sessionmaker() as session:
        competition = await session.get(Competition, cid)
        live = await board_port.current().scores(cid)
        assert await rebuild(session, competition) == live == {a: 7000, b: 12000, c: 0}


async def test_orders_metric_teams_and_ties(app, client):
    # given two teams on the number of orders, a tie, and a session-less period
    world = await pk_world(app, client, partners=4)
    a, b, c, d = world.partners
    body = competition_body(metric="orders", entrants={"teams": [{"name": "North", "partner_ids": [a, b]},
                                                                 {"name": "South", "partner_ids": [c, d]}]})
    competition = await create_competition(client, world, body)
    keys = {e["name"]: e["key"] for e in competition["entrants"]}
    # when North sells two orders (one fully refunded later) and South two
    first = await pay(app, world, a, 1000)
    await pay(app, world, b, 1000)
    await pay(app, world, c, 500)
    await pay(app, world, d, 500)
    tied = await board(client, world.brand_token, competition["id"])
    # then it is a tie at 2, broken by the lower entrant key
    assert sorted(scores(tied)) == sorted([(keys["North"], 2), (keys["South"], 2)])
    assert scores(tied)[0][0] == min(keys.values())
    # and a full refund takes North's order away
    await refund(app, first, 1000, 1000)
    assert scores(await board(client, world.brand_token, competition["id"])) == [(keys["South"], 2),
                                                                                (keys["North"], 1)]


async def test_the_live_board_lives_in_redis_and_is_rebuilt_when_lost(sqlite_url, redis_url, redis_namespace):
    # the app's own outbox poller delivers here: the app's Redis client lives on the app's loop
    empty_tables(sqlite_url)
    app = create_app(make_settings(sqlite_url, redis_url=redis_url, redis_namespace=redis_namespace,
                                   outbox_poll_interval_ms=20))
    redis = aioredis.from_url(redis_url)  # the test's own client

    async def paid(world, partner_id, amount, expect):
        async with app.state.sessionmaker() as session:
            order = order_paid_payload(world.brand_id, [("sku", amount)], partner_id=partner_id)
            emit(session, "OrderPaid", order["order_id"], order)
            await session.commit()
        for _ in range(200):
            if scores(await board(client, world.brand_token, cid)) == expect:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the board never reached {expect}")

    async with AsyncTestClient(app=app) as client:
        world = await pk_world(app, client, partners=2)
        a, b = world.partners
        cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
        await paid(world, a, 1000, [(a, 1000), (b, 0)])
        # when more orders are paid, ZINCRBY moves the sorted set under the namespaced key
        await paid(world, b, 2500, [(b, 2500), (a, 1000)])
        key = f"{redis_namespace}:pk:{cid}"
        assert await redis.zscore(key, b) == 2500
        # and when Redis loses the board, the next read rebuilds the same scores from the database
        await redis.delete(key)
        assert scores(await board(client, world.brand_token, cid)) == [(b, 2500), (a, 1000)]
        assert await redis.zscore(key, a) == 1000
        await redis.delete(key)
    await redis.aclose()
