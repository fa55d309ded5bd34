"""A brand drops a coupon into its live room: viewers see it (socket and list), claim it while
stock lasts; every refused claim is a stable problem type and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from server.kernel import clock
from tests.database import outbox
from tests.factories import auth, make_brand, make_session, make_token
from tests.factories_checkout import make_shop, visitor
from tests.factories_coupons import claim, coupon_rows, drop, dropped_coupon, make_coupon
from tests.factories_liveroom import live_session, serving, viewer

PROBLEMS = "https://zhixiang.dev/problems/"


async def test_a_drop_reaches_viewers_in_the_room_and_claims_update_remaining(app):
    async with serving(app) as host:
        live = await live_session(app, f"http://{host}")
        async with viewer(live.ws()) as v, httpx.AsyncClient(base_url=live.http) as client:
            await v.wait_for(lambda e: e["type"] == "snapshot")
            coupon = await make_coupon(
                client, live.brand_token, live.brand_id, title="Tea day", total_limit=2, min_spend_minor=5000
            )
            # when the brand drops it
            response = await drop(client, live.brand_token, live.session_id, coupon["id"])
            assert response.status_code == 201, response.text
            await app.state.dispatcher.drain()
            # then the viewer sees the coupon card
            card = await v.wait_for(lambda e: e["type"] == "coupon")
            assert (card["coupon_id"], card["title"], card["label"]) == (coupon["id"], "Tea day", "10.00 CNY off")
            assert (card["remaining"], card["min_spend_minor"], card["amount_off_minor"]) == (2, 5000, 1000)
            assert datetime.fromisoformat(card["valid_until"]) == datetime.fromisoformat(coupon["valid_until"])
            # and when someone claims, the room hears the new remaining count
            assert (await claim(client, live.session_id, coupon["id"], visitor())).status_code == 201
            await app.state.dispatcher.drain()
            left = await v.wait_for(lambda e: e["type"] == "coupon_remaining")
            assert (left["coupon_id"], left["remaining"]) == (coupon["id"], 1)


async def test_viewer_claims_and_a_late_joiner_sees_the_coupon_with_their_claims(app, client):
    # given a live shop with a dropped coupon (2 per buyer)
    shop = await make_shop(app, client)
    coupon = await dropped_coupon(client, shop, per_buyer_limit=2, total_limit=5)
    me = visitor()
    # when the viewer claims it
    response = await claim(client, shop.session_id, coupon["id"], me)
    # then the claim is theirs and usable, one unit fewer is left
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["coupon_id"], body["state"], body["order_id"], body["remaining"]) == (coupon["id"], "claimed", None, 4)
    # and the room's list (public) shows it, with how many this visitor claimed
    listed = (await client.get(f"/api/v1/sessions/{shop.session_id}/coupons", headers=me)).json()
    assert [(c["coupon_id"], c["remaining"], c["claimed_by_me"]) for c in listed["items"]] == [(coupon["id"], 4, 1)]
    anyone = (await client.get(f"/api/v1/sessions/{shop.session_id}/coupons", headers=visitor())).json()
    assert anyone["items"][0]["claimed_by_me"] == 0
    # and the brand sees the claimed count
    got = (await client.get(f"/api/v1/coupons/{coupon['id']}", headers=auth(shop.token))).json()
    assert (got["claimed"], got["remaining"], got["used"]) == (1, 4, 0)
    # and a first-time visitor (no cookie yet) gets one with their claim
    fresh = await claim(client, shop.session_id, coupon["id"], {})
    assert fresh.status_code == 201 and "zx_vid=" in fresh.headers["set-cookie"]


async def _refused(app, client, session_id: str, coupon_id: str, headers: dict, status: int, slug: str) -> None:
    before = await coupon_rows(app)
    response = await claim(client, session_id, coupon_id, headers)
    assert response.status_code == status, response.text
    assert response.json()["type"] == PROBLEMS + slug, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert await coupon_rows(app) == before


async def test_every_bad_claim_is_refused_and_changes_nothing(app, client):
    # given a live shop, a coupon of 1 unit dropped, one not dropped, one of another brand
    shop = await make_shop(app, client)
    single = await dropped_coupon(client, shop, total_limit=1)
    undropped = await make_coupon(client, shop.token, shop.brand_id)
    other = await make_brand(client, await make_token(app, "admin"))
    foreign = await make_coupon(client, await make_token(app, "brand", brand_id=other["id"]), other["id"])
    first, second = visitor(), visitor()
    assert (await claim(client, shop.session_id, single["id"], first)).status_code == 201
    sid = shop.session_id
    # then: exhausted (409), the per-buyer limit (409), not dropped here (404), another brand's (404), no such
    await _refused(app, client, sid, single["id"], second, 409, "coupon-exhausted")
    await _refused(app, client, sid, undropped["id"], first, 404, "coupon-not-dropped")
    await _refused(app, client, sid, foreign["id"], first, 404, "not-found")
    await _refused(app, client, sid, "cpn_nope", first, 404, "not-found")
    await _refused(app, client, "ses_nope", single["id"], first, 404, "not-found")


async def test_per_buyer_limit_deactivated_expired_and_not_yet_valid_are_refused(app, client):
    shop = await make_shop(app, client)
    me = visitor()
    once = await dropped_coupon(client, shop)
    assert (await claim(client, shop.session_id, once["id"], me)).status_code == 201
    await _refused(app, client, shop.session_id, once["id"], me, 409, "coupon-claim-limit")
    # a deactivated coupon
    off = await dropped_coupon(client, shop)
    await client.post(f"/api/v1/coupons/{off['id']}/deactivate", headers=auth(shop.token))
    await _refused(app, client, shop.session_id, off["id"], me, 409, "coupon-inactive")
    # a coupon valid from tomorrow (it can be dropped early, claimed only once valid)
    now = datetime.now(UTC)
    later = await dropped_coupon(
        client,
        shop,
        valid_from=(now + timedelta(days=1)).isoformat(),
        valid_until=(now + timedelta(days=2)).isoformat(),
    )
    await _refused(app, client, shop.session_id, later["id"], me, 409, "coupon-not-valid-now")
    # an expired one (the clock moved past valid_until)
    soon = await dropped_coupon(client, shop, valid_until=(now + timedelta(minutes=5)).isoformat())
    clock.advance(6 * 60)
    await _refused(app, client, shop.session_id, soon["id"], visitor(), 409, "coupon-not-valid-now")


async def test_drops_need_a_live_session_and_a_usable_coupon(app, client):
    # given a scheduled (not yet live) session and a coupon
    shop = await make_shop(app, client, live=False)
    coupon = await make_coupon(client, shop.token, shop.brand_id)
    # when the brand drops it before going live
    early = await drop(client, shop.token, shop.session_id, coupon["id"])
    # then it is refused and nothing is written
    assert early.status_code == 409 and early.json()["type"] == PROBLEMS + "session-not-live"
    assert (await coupon_rows(app))["drops"] == []
    other_session = await make_session(client, shop.token, shop.brand_id)
    assert (await drop(client, shop.token, other_session["id"], "cpn_nope")).status_code == 404
    await client.post(f"/api/v1/coupons/{coupon['id']}/deactivate", headers=auth(shop.token))
    before = await coupon_rows(app)
    await client.post(f"/api/v1/sessions/{shop.session_id}/state", json={"state": "live"}, headers=auth(shop.token))
    inactive = await drop(client, shop.token, shop.session_id, coupon["id"])
    assert inactive.status_code == 409 and inactive.json()["type"] == PROBLEMS + "coupon-inactive"
    assert await coupon_rows(app) == before
    # and dropping an active coupon twice re-announces it but keeps one drop
    live_one = await make_coupon(client, shop.token, shop.brand_id)
    for _ in range(2):
        assert (await drop(client, shop.token, shop.session_id, live_one["id"])).status_code == 201
    assert len((await coupon_rows(app))["drops"]) == 1
    assert len([e for e in await outbox(app, "CouponDropped") if e["coupon_id"] == live_one["id"]]) == 2
