"""A session's competition: orders of the session count, the room gets coalesced `pk` messages
with the top five, the public room endpoint shows it, and the session's end closes it on read."""

from __future__ import annotations

from datetime import timedelta

from distribution.competitions.sweeper import sweep
from server.kernel import clock
from server.kernel.clock import utcnow
from tests.factories import auth, go_live, make_session
from tests.factories_commission import emit_events, order_paid_payload
from tests.factories_pk import board, competition_body, create_competition, pay, pk_world, transactions


async def test_session_competition_scores_publishes_to_the_room_and_closes_when_the_session_ends(
    app, client, monkeypatch
):
    world = await pk_world(app, client, partners=2)
    a, b = world.partners
    live = await make_session(client, world.brand_token, world.brand_id)
    competition = await create_competition(
        client, world, competition_body(world.partners, scope={"session_id": live["id"]})
    )
    assert competition["state"] == "scheduled"
    await go_live(client, world.brand_token, live["id"])
    published = []

    async def capture(session_id, body):
        published.append((session_id, body))
        return "1"

    monkeypatch.setattr(app.state.liveroom, "publish", capture)
    # when two orders of the session are paid in one delivery, and one outside the session
    orders = [
        order_paid_payload(world.brand_id, [("sku", amount)], partner_id=p, session_id=live["id"])
        for p, amount in ((a, 3000), (b, 4000))
    ]
    await emit_events(app, *(("OrderPaid", o) for o in orders))
    await pay(app, world, a, 99999)
    # then the room got one coalesced pk message carrying both orders
    pk = [body for sid, body in published if body["type"] == "pk"]
    assert len(pk) == 1 and published[0][0] == live["id"]
    assert pk[0]["competition_id"] == competition["id"]
    assert [(r["rank"], r["score"]) for r in pk[0]["top"]] == [(1, 4000), (2, 3000)]
    room = (await client.get(f"/api/v1/sessions/{live['id']}/pk")).json()
    assert room["competition"]["state"] == "running" and room["competition"]["top"][0]["score"] == 4000
    # when the session ends, the next read closes the competition and pays the winner
    ended = await client.post(
        f"/api/v1/sessions/{live['id']}/state", json={"state": "ended"}, headers=auth(world.brand_token)
    )
    assert ended.status_code == 200, ended.text
    frozen = await board(client, world.brand_token, competition["id"])
    assert frozen["state"] == "closed" and frozen["rows"][0]["bonus_minor"] == 120
    await app.state.dispatcher.drain()
    assert len(await transactions(app, "pk_bonus")) == 2


async def test_the_sweeper_closes_a_period_that_passed(app, client):
    world = await pk_world(app, client, partners=2)
    now = utcnow()
    scope = {"starts_at": (now - timedelta(hours=2)).isoformat(), "ends_at": (now + timedelta(minutes=10)).isoformat()}
    competition = await create_competition(client, world, competition_body(world.partners, scope=scope))
    await pay(app, world, world.partners[1], 2000, paid_at=now - timedelta(minutes=5))
    assert await sweep(app.state.sessionmaker, app.state.leaderboard) == 0
    clock.advance(601)  # past the period's end (the autouse fixture puts the clock back)
    # when the period has passed, one sweep closes it at the period's end and the bonus is paid
    assert await sweep(app.state.sessionmaker, app.state.leaderboard) == 1
    await app.state.dispatcher.drain()
    frozen = await board(client, world.brand_token, competition["id"])
    assert frozen["state"] == "closed" and frozen["rows"][0]["bonus_minor"] == 60
    assert len(await transactions(app, "pk_bonus")) == 1
