"""Viewers subscribe to a scheduled session: validated per channel, one subscription per visitor,
only while the session is scheduled."""

from __future__ import annotations

import pytest
from sqlmodel import select

from broadcast.reminders.models import ReminderSubscription
from tests.factories import go_live, make_brand, make_session, make_token
from tests.factories_reminders import subscribe, viewer


@pytest.fixture
async def scheduled(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    return session, token


async def rows(app) -> list[ReminderSubscription]:
    async with app.state.sessionmaker() as db:
        return list((await db.exec(select(ReminderSubscription))).all())


BAD_CONTACTS = [
    ("email", "not-an-email"),
    ("email", "a@b"),
    ("sms", "13800138000"),
    ("sms", "+0123456789"),
    ("sms", "+86 138 0013 8000 1234 5"),
    ("wechat", "abc"),
    ("app", "has space"),
    ("email", "x" * 300 + "@a.io"),
    ("fax", "+8613800138000"),
]


async def test_a_bad_contact_is_refused_and_changes_nothing(app, client, scheduled):
    session, _ = scheduled
    for channel, address in BAD_CONTACTS:
        response = await subscribe(client, session["id"], viewer(), channel, address)
        assert response.status_code == 422, (channel, address, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
    assert (await subscribe(client, "ses_nope", viewer())).status_code == 404
    assert (await client.get("/api/v1/sessions/ses_nope/reminders/me")).status_code == 404
    assert await rows(app) == []


async def test_subscribing_twice_updates_the_one_subscription_until_unsubscribed(app, client, scheduled):
    session, _ = scheduled
    me = viewer()
    first = await subscribe(client, session["id"], me, "email", "Fan@Example.com")
    assert first.status_code == 201, first.text
    assert first.json()["subscribed"] is True and first.json()["address_masked"] == "f***@example.com"
    second = await subscribe(client, session["id"], me, "sms", "+86 138-0013-8000")
    assert second.status_code == 200, second.text
    [row] = await rows(app)
    assert (row.channel, row.address) == ("sms", "+8613800138000")
    mine = await client.get(f"/api/v1/sessions/{session['id']}/reminders/me", headers=me)
    assert mine.json()["subscribed"] is True and mine.json()["channel"] == "sms"
    # the partner's link code comes from the body or, as on the room page's URL, the query
    await subscribe(client, session["id"], viewer("visitor-aaaaaaaa"), ref="CODE1")
    url = f"/api/v1/sessions/{session['id']}/reminders?ref=CODE2"
    response = await client.post(
        url, json={"channel": "wechat", "address": "wxid_fan_001"}, headers=viewer("visitor-bbbbbbbb")
    )
    assert response.status_code == 201, response.text
    assert sorted(r.ref or "" for r in await rows(app)) == ["", "CODE1", "CODE2"]
    # and unsubscribing deletes the subscription with its contact
    gone = await client.delete(f"/api/v1/sessions/{session['id']}/reminders", headers=me)
    assert gone.status_code == 200 and gone.json()["subscribed"] is False
    assert len(await rows(app)) == 2
    mine = await client.get(f"/api/v1/sessions/{session['id']}/reminders/me", headers=me)
    assert mine.json()["subscribed"] is False


async def test_only_a_scheduled_session_takes_reminders(app, client, scheduled):
    session, token = scheduled
    me = viewer()
    await subscribe(client, session["id"], me)
    await go_live(client, token, session["id"])
    late = await subscribe(client, session["id"], viewer())
    assert late.status_code == 409
    assert late.json()["type"].endswith("/session-not-scheduled")
    gone = await client.delete(f"/api/v1/sessions/{session['id']}/reminders", headers=me)
    assert gone.status_code == 409
    assert len(await rows(app)) == 1
