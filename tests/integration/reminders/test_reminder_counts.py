"""Counts: the brand sees subscribers by partner and delivery status; the partner sees how many
subscribed through its own links. Other tenants get 404."""

from __future__ import annotations

from tests.factories import auth, go_live, make_brand, make_token
from tests.factories_distribution import api_world, make_partner
from tests.factories_reminders import deliver, subscribe, viewer


async def test_partner_and_brand_counts_through_a_ref(app, client):
    world = await api_world(app, client)
    sid, code = world.session["id"], world.link["code"]
    # given two viewers through the partner's link (one never confirms), one direct, one with a stranger's code
    await subscribe(client, sid, viewer(), ref=code)
    await client.post(
        f"/api/v1/sessions/{sid}/reminders?ref={code}",
        json={"channel": "sms", "address": "+8613800138000"},
        headers=viewer(),
    )
    await subscribe(client, sid, viewer())
    await subscribe(client, sid, viewer(), ref="NOSUCHCODE")
    # then the partner sees two for this session
    mine = await client.get(f"/api/v1/partners/{world.partner['id']}/reminders", headers=auth(world.partner_token))
    assert mine.status_code == 200, mine.text
    assert [(r["session_id"], r["subscribed"]) for r in mine.json()["items"]] == [(sid, 2)]
    # and the brand sees them by partner, the rest as direct
    stats = await client.get(f"/api/v1/sessions/{sid}/reminders/stats", headers=auth(world.brand_token))
    assert stats.status_code == 200, stats.text
    body = stats.json()
    assert (body["subscribed"], body["confirmed"], body["pending_confirmation"]) == (4, 3, 1)
    assert {(p["partner_id"], p["name"], p["subscribed"]) for p in body["by_partner"]} == {
        (world.partner["id"], world.partner["name"], 2),
        (None, "direct", 2),
    }
    assert body["notifications"] == {"pending": 0, "sending": 0, "sent": 0, "failed": 0}
    # when the session goes live and the reminders are delivered, the status moves
    await go_live(client, world.brand_token, sid)
    await app.state.dispatcher.drain()
    await deliver(app)
    after = await client.get(f"/api/v1/sessions/{sid}/reminders/stats", headers=auth(world.brand_token))
    assert after.json()["notifications"]["sent"] == 3  # the unconfirmed contact is not reminded


async def test_other_tenants_get_404(app, client):
    world = await api_world(app, client)
    other_brand = await make_brand(client, world.admin)
    brand_token = await make_token(app, "brand", brand_id=other_brand["id"])
    stranger = await make_partner(client, world.admin)
    partner_token = await make_token(app, "partner", partner_id=stranger["id"])
    stats = await client.get(f"/api/v1/sessions/{world.session['id']}/reminders/stats", headers=auth(brand_token))
    assert stats.status_code == 404
    theirs = await client.get(f"/api/v1/partners/{world.partner['id']}/reminders", headers=auth(partner_token))
    assert theirs.status_code == 404
    strangers = await client.get(f"/api/v1/partners/{stranger['id']}/reminders", headers=auth(partner_token))
    assert strangers.json()["items"] == []
