"""The viewer socket over real websockets: join, likes, comments, pins, resume."""

from __future__ import annotations

import asyncio

import httpx

from tests.factories import auth
from tests.factories_liveroom import seqs, viewer


async def test_join_gets_a_snapshot_with_the_lineup_and_seq(live):
    # given a live session with two SKUs
    # when a viewer connects
    async with viewer(live.ws()) as v:
        snapshot = await v.wait_for(lambda e: e["type"] == "snapshot")
    # then the snapshot has the session, line-up with stock, counters and a seq
    assert snapshot["session"]["state"] == "live"
    assert [i["sku_id"] for i in snapshot["lineup"]] == live.sku_ids
    assert snapshot["lineup"][0]["stock"] == 10 and snapshot["lineup"][0]["currency"] == "CNY"
    assert snapshot["likes"] == 0 and snapshot["pinned_sku_id"] is None
    assert isinstance(snapshot["seq"], int)


async def test_likes_are_counted_and_broadcast_coalesced(live):
    async with viewer(live.ws()) as a, viewer(live.ws()) as b:
        await a.wait_for(lambda e: e["type"] == "snapshot")
        await b.wait_for(lambda e: e["type"] == "snapshot")
        # when a taps 40 times quickly (5 likes each)
        for _ in range(40):
            await a.send({"type": "like", "count": 5})
        # then b sees the total reach 200, in far fewer than 40 updates
        await b.wait_for(lambda e: e["type"] == "likes" and e["total"] == 200)
        updates = b.of_type("likes")
        assert len(updates) < 10
        totals = [e["total"] for e in updates]
        assert totals == sorted(totals)


async def test_pin_reaches_the_room_through_the_outbox(live, room_app):
    async with viewer(live.ws()) as v:
        await v.wait_for(lambda e: e["type"] == "snapshot")
        # when the brand pins a SKU and the outbox is delivered
        async with httpx.AsyncClient(base_url=live.http) as client:
            response = await client.put(
                f"/api/v1/sessions/{live.session_id}/pin",
                json={"sku_id": live.sku_ids[1]},
                headers=auth(live.brand_token),
            )
            assert response.status_code == 200, response.text
        await room_app.state.dispatcher.drain()
        # then the viewer sees the pin
        pin = await v.wait_for(lambda e: e["type"] == "pin")
        assert pin["sku_id"] == live.sku_ids[1]


async def test_comments_are_broadcast_stored_and_deletable(live, room_app):
    async with viewer(live.ws()) as a, viewer(live.ws()) as b:
        await b.wait_for(lambda e: e["type"] == "snapshot")
        await a.send({"type": "comment", "text": "<b>hello</b>   world"})
        comment = await b.wait_for(lambda e: e["type"] == "comment")
        assert comment["text"] == "<b>hello</b> world"  # raw text; the page escapes it
        # a late joiner sees it in the snapshot
        async with viewer(live.ws()) as late:
            snap = await late.wait_for(lambda e: e["type"] == "snapshot")
            assert [c["id"] for c in snap["comments"]] == [comment["id"]]
            # when the brand deletes it
            async with httpx.AsyncClient(base_url=live.http) as client:
                response = await client.delete(
                    f"/api/v1/sessions/{live.session_id}/comments/{comment['id']}", headers=auth(live.brand_token)
                )
                assert response.status_code == 204, response.text
            # then everyone sees it go
            for watcher in (a, b, late):
                await watcher.wait_for(lambda e: e["type"] == "comment_deleted" and e["id"] == comment["id"])


async def test_reconnect_with_last_seq_resumes_without_gaps(live):
    async with viewer(live.ws()) as a:
        snap = await a.wait_for(lambda e: e["type"] == "snapshot")
        await a.send({"type": "comment", "text": "first"})
        first = await a.wait_for(lambda e: e["type"] == "comment")
    # while a is away, others comment
    async with viewer(live.ws()) as b:
        await b.wait_for(lambda e: e["type"] == "snapshot")
        await b.send({"type": "comment", "text": "second"})
        await b.send({"type": "like", "count": 3})
        second = await b.wait_for(lambda e: e["type"] == "comment")
        await b.wait_for(lambda e: e["type"] == "likes")
    # when a comes back with its last seq
    async with viewer(live.ws(last_seq=first["seq"])) as a2:
        resumed = await a2.wait_for(lambda e: e["type"] == "resumed")
        await a2.wait_for(lambda e: e.get("seq") == second["seq"])
    # then it gets exactly the missed events, in order, and no snapshot
    assert resumed["after_seq"] == first["seq"]
    got = seqs(a2.events)
    assert got[:2] == list(range(first["seq"] + 1, first["seq"] + 3)) or got == sorted(got)
    assert got == list(range(first["seq"] + 1, got[-1] + 1))
    assert not a2.of_type("snapshot") and snap["seq"] < first["seq"]


async def test_too_old_last_seq_resyncs_from_a_snapshot(live):
    async with viewer(live.ws(last_seq=999999)) as v:
        snapshot = await v.wait_for(lambda e: e["type"] == "snapshot")
    assert snapshot["session"]["id"] == live.session_id


async def test_viewer_count_follows_presence(live):
    async with viewer(live.ws()) as a, viewer(live.ws()) as b:
        await b.wait_for(lambda e: e["type"] == "viewers" and e["count"] == 2, within_s=5)
        await a.close()
        await b.wait_for(lambda e: e["type"] == "viewers" and e["count"] == 1, within_s=5)
    await asyncio.sleep(0)


async def test_a_lineup_change_reaches_the_room(live):
    from tests.factories import add_to_lineup, make_sku

    async with viewer(live.ws()) as v:
        await v.wait_for(lambda e: e["type"] == "snapshot")
        async with httpx.AsyncClient(base_url=live.http) as client:
            sku = await make_sku(client, live.brand_token, live.brand_id, title="Late addition")
            await add_to_lineup(client, live.brand_token, live.session_id, sku["id"], position=9)
        lineup = await v.wait_for(lambda e: e["type"] == "lineup")
    assert [i["title"] for i in lineup["items"]][-1] == "Late addition"
