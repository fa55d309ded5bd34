"""Scoring from `OrderPaid` / `OrderRefunded` through the outbox: net GMV or orders, self-referrals
and flagged orders never count, teams add up, and the live board equals a rebuild from the DB."""

from __future__ import annotations

from distribution.competitions.counting import rebuild
from distribution.competitions.models import Competition
from tests.factories import auth
from tests.factories_pk import board, competition_body, create_competition, pay, pk_world, refund, scores


async def test_gmv_counts_net_paid_and_skips_self_referrals_and_flagged_orders(app, client):
    # given three partners in a period competition on GMV
    world = await pk_world(app, client, partners=3)
    a, b, c = world.partners
    cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
    # when a sells 100.00 then 30.00 is refunded, b sells 80.00, c sells 500.00 to itself,
    # and b sells one order in another currency
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
        live = await app.state.leaderboard.scores(cid)
        assert await rebuild(session, competition, app.state.leaderboard) == live == {a: 7000, b: 12000, c: 0}


async def test_orders_metric_teams_and_ties(app, client):
    # given two teams on the number of orders, a tie, and a session-less period
    world = await pk_world(app, client, partners=4)
    a, b, c, d = world.partners
    body = competition_body(
        metric="orders",
        entrants={"teams": [{"name": "North", "partner_ids": [a, b]}, {"name": "South", "partner_ids": [c, d]}]},
    )
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
    assert scores(await board(client, world.brand_token, competition["id"])) == [(keys["South"], 2), (keys["North"], 1)]
