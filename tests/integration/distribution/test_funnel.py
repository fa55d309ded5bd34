"""The partner funnel from clicks, the live room's per-link counts and OrderPaid events: a
partner sees only its own rows with masked buyers; the brand sees every partner side by side."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.event_contracts import emit_payload
from tests.factories import auth, make_token
from tests.factories_distribution import api_world, approve, make_link, make_partner

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"}


async def order_paid(app, world, order_id, amount_minor, partner_id, link_id, *, earns=True):
    payload = {
        "order_id": order_id,
        "brand_id": world.brand["id"],
        "session_id": world.session["id"],
        "visitor_id": f"v-{order_id}",
        "currency": "CNY",
        "amount_minor": amount_minor,
        "lines": [],
        "paid_at": datetime.now(UTC).isoformat(),
        "attribution": {
            "partner_id": partner_id,
            "parent_partner_id": None,
            "link_id": link_id,
            "click_id": None,
            "rule": "last_click" if earns else "self_referral",
            "clicked_at": None,
            "bound_since": None,
            "self_referral": not earns,
            "earns": earns,
            "policy": {},
        },
    }
    async with app.state.sessionmaker() as session:
        emit_payload(session, "OrderPaid", order_id, payload)
        await session.commit()


async def test_funnel_counts_clicks_room_activity_orders_gmv_and_commission(app, client, monkeypatch):
    # given two approved partners on the same session, one at a 15% rate (brand default 10%)
    world = await api_world(app, client)
    rival = await make_partner(client, world.admin, name="Rival", contact="rival@example.com")
    rival_token = await make_token(app, "partner", partner_id=rival["id"])
    await approve(client, rival_token, rival["id"], world.brand_token, world.brand["id"], commission_bps=1500)
    rival_link = await make_link(client, rival_token, rival["id"], target="session", session_id=world.session["id"])
    # and clicks (two visitors on the partner's link, one on the rival's), room counts, and paid orders
    for link in (world.link, world.link, rival_link):
        client.cookies.clear()
        await client.get(f"/l/{link['code']}", headers=BROWSER, follow_redirects=False)
    await app.state.click_flusher.drain()

    async def room(state, session_id):
        return {
            world.link["code"]: {"viewers": 2, "likes": 40, "cart_adds": 3},
            rival_link["code"]: {"viewers": 1, "likes": 5, "cart_adds": 1},
            "unknown": {"viewers": 9, "likes": 0, "cart_adds": 0},
        }

    monkeypatch.setattr("distribution.funnel.snapshot.ref_counts", room)
    await order_paid(app, world, "ord_1", 12345, world.partner["id"], world.link["id"])
    await order_paid(app, world, "ord_2", 10000, world.partner["id"], world.link["id"], earns=False)
    await order_paid(app, world, "ord_3", 20000, rival["id"], rival_link["id"])
    await order_paid(app, world, "ord_4", 999, None, None)  # unattributed: nobody's
    await app.state.dispatcher.drain()
    await app.state.dispatcher.drain()  # replay: nothing counted twice
    # when the partner and the brand read the funnel
    mine = (
        await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(world.partner_token))
    ).json()
    brand = (await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(world.brand_token))).json()
    # then the partner sees only itself: 2 clicks, room counts, 2 orders, GMV, 10% of the earning order only
    [me] = mine["partners"]
    assert (me["clicks"], me["viewers"], me["likes"], me["cart_adds"]) == (2, 2, 40, 3)
    assert (me["orders"], me["gmv_minor"], me["commission_estimate_minor"]) == (2, 22345, 1234)
    assert [link["code"] for link in mine["links"]] == [world.link["code"]]
    assert {o["order_id"] for o in mine["recent_orders"]} == {"ord_1", "ord_2"}
    assert all(o["buyer"].startswith("buyer·") and "v-ord" not in o["buyer"] for o in mine["recent_orders"])
    # and the brand sees both partners side by side (ranked by GMV), the rival at its own rate
    by_name = {row["partner_name"]: row for row in brand["partners"]}
    assert [row["partner_id"] for row in brand["partners"]] == [world.partner["id"], rival["id"]]
    assert (by_name["Rival"]["clicks"], by_name["Rival"]["orders"], by_name["Rival"]["commission_estimate_minor"]) == (
        1,
        1,
        3000,
    )
    assert len(brand["recent_orders"]) == 3
    # and a partial refund lowers the partner's GMV and estimate
    async with app.state.sessionmaker() as session:
        emit_payload(
            session,
            "OrderRefunded",
            "ord_1",
            {
                "order_id": "ord_1",
                "refund_id": "re_1",
                "brand_id": world.brand["id"],
                "session_id": world.session["id"],
                "currency": "CNY",
                "amount_minor": 2345,
                "refunded_total_minor": 2345,
                "order_amount_minor": 12345,
                "refunded_at": datetime.now(UTC).isoformat(),
            },
        )
        await session.commit()
    await app.state.dispatcher.drain()
    after = (
        await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(world.partner_token))
    ).json()
    assert (after["partners"][0]["gmv_minor"], after["partners"][0]["commission_estimate_minor"]) == (20000, 1000)


async def test_funnel_of_another_brands_session_is_not_found(app, client):
    world = await api_world(app, client)
    stranger = await make_partner(client, world.admin)
    token = await make_token(app, "partner", partner_id=stranger["id"])
    response = await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(token))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("standing", ["pending", "rejected"])
async def test_a_pending_or_rejected_partner_does_not_see_the_brands_funnel(app, client, standing):
    world = await api_world(app, client)
    applicant = await make_partner(client, world.admin)
    token = await make_token(app, "partner", partner_id=applicant["id"])
    if standing == "pending":
        applied = await client.post(
            f"/api/v1/partners/{applicant['id']}/partnerships",
            json={"brand_id": world.brand["id"]},
            headers=auth(token),
        )
        assert applied.status_code == 201
    else:
        await approve(
            client, token, applicant["id"], world.brand_token, world.brand["id"], state="rejected", reason="x"
        )
    response = await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(token))
    assert response.status_code == 404, response.text


async def test_funnel_socket_pushes_the_snapshot_and_refuses_strangers_with_a_reason(app, client):
    from litestar.exceptions import WebSocketDisconnect

    world = await api_world(app, client)
    socket = await client.websocket_connect(f"/ws/funnel/{world.session['id']}?token={world.partner_token}")
    with socket:
        first = socket.receive_json()
    assert first["session_id"] == world.session["id"] and first["partners"][0]["partner_id"] == world.partner["id"]
    stranger = await client.websocket_connect(f"/ws/funnel/{world.session['id']}?token=zx_nonsense")
    with stranger, pytest.raises(WebSocketDisconnect) as closed:
        stranger.receive_json()
    assert closed.value.code == 4401


async def test_funnel_sums_in_the_database_and_an_ended_sessions_copy_follows_refunds(app, client):
    # given three equal orders through the partner's link (10 %: 1234.5 each, rounded per order)
    world = await api_world(app, client)
    for i in range(3):
        await order_paid(app, world, f"ord_eq{i}", 12345, world.partner["id"], world.link["id"])
    await app.state.dispatcher.drain()
    for state in ("live", "ended"):
        answer = await client.post(
            f"/api/v1/sessions/{world.session['id']}/state", json={"state": state}, headers=auth(world.brand_token)
        )
        assert answer.status_code in (200, 201), answer.text
    path = f"/api/v1/sessions/{world.session['id']}/funnel"
    # when the ended session's funnel is read (and kept)
    first = (await client.get(path, headers=auth(world.brand_token))).json()
    # then the link's estimate is rounded per order, the partner's once over its earning GMV
    [link] = [row for row in first["links"] if row["link_id"] == world.link["id"]]
    [me] = first["partners"]
    assert (link["orders"], link["gmv_minor"], link["commission_estimate_minor"]) == (3, 37035, 3 * 1234)
    assert (me["orders"], me["gmv_minor"], me["commission_estimate_minor"]) == (3, 37035, 3704)
    assert first["session_state"] == "ended" and len(first["recent_orders"]) == 3
    # and a refund after the end shows at once (the kept copy is dropped)
    async with app.state.sessionmaker() as session:
        emit_payload(
            session,
            "OrderRefunded",
            "ord_eq0",
            {
                "order_id": "ord_eq0",
                "refund_id": "re_eq0",
                "brand_id": world.brand["id"],
                "session_id": world.session["id"],
                "currency": "CNY",
                "amount_minor": 12345,
                "refunded_total_minor": 12345,
                "order_amount_minor": 12345,
                "refunded_at": datetime.now(UTC).isoformat(),
            },
        )
        await session.commit()
    await app.state.dispatcher.drain()
    after = (await client.get(path, headers=auth(world.partner_token))).json()
    assert (after["partners"][0]["gmv_minor"], after["partners"][0]["commission_estimate_minor"]) == (24690, 2469)
    again = (await client.get(path, headers=auth(world.brand_token))).json()
    assert again["partners"][0]["gmv_minor"] == 24690
