"""Who may enter (likes over the real websocket, paid orders), what a closed draw refuses, who
may open and close, and the automatic close at `closes_at` announced in the room."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import httpx
from sqlmodel import func, select

from broadcast.lottery.models import Lottery, LotteryEntry
from server.kernel import clock
from tests.factories import auth, make_brand, make_session, make_token
from tests.factories_liveroom import viewer
from tests.factories_lottery import Visitor, close, enter, mine, open_lottery, paid_order
from tests.waiting import eventually


async def _entered_within(client, live, lottery_id, who, within_s=3.0) -> httpx.Response:
    """Likes reach the store on the room's next tick: retry briefly."""
    answers: list[httpx.Response] = []

    async def entered() -> bool:
        answers.append(await enter(client, live.session_id, lottery_id, who))
        return answers[-1].status_code == 200

    with contextlib.suppress(AssertionError):  # the caller asserts on the last answer
        await eventually(entered, within_s)
    return answers[-1]


async def _counts(app) -> tuple[int, int]:
    async with app.state.sessionmaker() as db:
        lotteries = (await db.exec(select(func.count()).select_from(Lottery))).one()
        entries = (await db.exec(select(func.count()).select_from(LotteryEntry))).one()
    return int(lotteries), int(entries)


async def test_likers_enter_only_with_a_like_after_opening(live):
    early, fan = Visitor(), Visitor()
    async with (
        httpx.AsyncClient(base_url=live.http) as client,
        viewer(live.ws(), additional_headers=early.headers) as early_ws,
        viewer(live.ws(), additional_headers=fan.headers) as fan_ws,
    ):
        # given a like sent before the draw opened
        await early_ws.send({"type": "like", "count": 3})
        await early_ws.wait_for(lambda e: e["type"] == "likes" and e["total"] == 3)
        clock.advance(1)  # the draw opens strictly after that like was recorded
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "like"})
        # then it does not count, and nor does not liking at all
        refused = await enter(client, live.session_id, lottery["id"], early)
        assert refused.status_code == 422 and "like" in refused.json()["detail"]
        assert (await enter(client, live.session_id, lottery["id"], fan)).status_code == 422
        # when the fan likes after opening, they may enter
        await fan_ws.send({"type": "like", "count": 1})
        assert (await _entered_within(client, live, lottery["id"], fan)).status_code == 200


async def test_buyers_enter_with_a_paid_order_since_the_window_start(live, lottery_app):
    buyer, partly_refunded, earlier, nobody = Visitor(), Visitor(), Visitor(), Visitor()
    await paid_order(lottery_app, live.brand_id, live.session_id, earlier, paid_ago_s=600)
    async with httpx.AsyncClient(base_url=live.http) as client:
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase"})
        await paid_order(lottery_app, live.brand_id, live.session_id, buyer)
        await paid_order(lottery_app, live.brand_id, live.session_id, partly_refunded, state="partially_refunded")
        assert (await enter(client, live.session_id, lottery["id"], buyer)).status_code == 200
        assert (await enter(client, live.session_id, lottery["id"], partly_refunded)).status_code == 200
        refused = await enter(client, live.session_id, lottery["id"], earlier)  # paid before the draw opened
        assert refused.status_code == 422 and "buy" in refused.json()["detail"]
        assert (await enter(client, live.session_id, lottery["id"], nobody)).status_code == 422
        # a window opened earlier (`since`) lets the earlier buyer in
        await close(client, live.brand_token, live.session_id, lottery["id"])
        since = (clock.utcnow() - timedelta(hours=1)).isoformat()
        wider = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase", "since": since})
        assert (await enter(client, live.session_id, wider["id"], earlier)).status_code == 200


async def test_a_closed_draw_refuses_entries_and_changes_nothing(live, lottery_app):
    fan = Visitor()
    async with httpx.AsyncClient(base_url=live.http) as client:
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase"})
        closed = (await close(client, live.brand_token, live.session_id, lottery["id"])).json()
        assert closed["winners"] == [] and closed["entrant_count"] == 0  # no entrants: no winners
        await paid_order(lottery_app, live.brand_id, live.session_id, fan)
        before = await _counts(lottery_app)
        refused = await enter(client, live.session_id, lottery["id"], fan)
        assert refused.status_code == 409 and refused.json()["type"].endswith("/lottery-closed")
        assert await _counts(lottery_app) == before
        assert (await mine(client, live.session_id, lottery["id"], fan))["entered"] is False


async def test_only_the_sessions_brand_opens_and_closes_one_draw_at_a_time(live, lottery_app):
    async with httpx.AsyncClient(base_url=live.http) as client:
        other_brand = await make_brand(client, live.admin)
        other = await make_token(lottery_app, "brand", brand_id=other_brand["id"])
        body = {"prize": "x", "winners": 1, "entry_rule": {"kind": "like"}}
        url = f"/api/v1/sessions/{live.session_id}/lotteries"
        assert (await client.post(url, json=body, headers=auth(other))).status_code == 404
        assert await _counts(lottery_app) == (0, 0)
        lottery = await open_lottery(client, live.brand_token, live.session_id)
        assert (await close(client, other, live.session_id, lottery["id"])).status_code == 404
        second = await client.post(url, json=body, headers=auth(live.brand_token))
        assert second.status_code == 409 and second.json()["type"].endswith("/lottery-already-open")
        bad = await client.post(url, json={**body, "winners": 0}, headers=auth(live.brand_token))
        assert bad.status_code == 422 and await _counts(lottery_app) == (1, 0)
        # a lottery is found only under its own session
        scheduled = await make_session(client, live.brand_token, live.brand_id)
        assert (await enter(client, scheduled["id"], lottery["id"], Visitor())).status_code == 404
        not_live = await client.post(
            f"/api/v1/sessions/{scheduled['id']}/lotteries", json=body, headers=auth(live.brand_token)
        )
        assert not_live.status_code == 409 and await _counts(lottery_app) == (1, 0)
        assert (await client.get("/api/v1/lotteries/lot_nope/proof")).status_code == 404


async def test_a_draw_closes_itself_at_closes_at_and_the_room_hears_the_winners(live, lottery_app):
    buyer = Visitor()
    async with httpx.AsyncClient(base_url=live.http) as client, viewer(live.ws()) as watcher:
        closes_at = (clock.utcnow() + timedelta(minutes=5)).isoformat()
        lottery = await open_lottery(
            client, live.brand_token, live.session_id, rule={"kind": "purchase"}, closes_at=closes_at
        )
        await paid_order(lottery_app, live.brand_id, live.session_id, buyer)
        entry = (await enter(client, live.session_id, lottery["id"], buyer)).json()
        # when time passes closes_at and nobody does anything
        clock.advance(301)
        try:
            drawn = await watcher.wait_for(lambda e: e["type"] == "lottery" and e["state"] == "closed", within_s=5)
        finally:
            clock.reset()  # before the server shuts down
        # then the sweeper drew it: the only entrant won, and the proof reveals the seed
        assert [w["handle"] for w in drawn["winners"]] == [entry["handle"]]
        proof = (await client.get(f"/api/v1/lotteries/{lottery['id']}/proof")).json()
        assert proof["state"] == "closed" and proof["seed"] == drawn["seed"] and proof["winners"] == [entry["handle"]]
