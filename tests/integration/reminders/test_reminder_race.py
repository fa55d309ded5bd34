"""On PostgreSQL, delivery workers racing over the same due rows never send one twice."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import select

from broadcast.reminders.models import ReminderNotification
from server.settings import Settings
from tests.app_settings import make_settings
from tests.factories import go_live, make_brand, make_session, make_token
from tests.factories_reminders import deliver, set_webhook, subscribe, viewer, webhook_receiver


@pytest.fixture
def settings(postgres_db_url: str) -> Settings:
    return make_settings(postgres_db_url, reminder_delivery_interval_s=0)


async def test_racing_workers_send_each_notification_once(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    for n in range(12):
        assert (await subscribe(client, session["id"], viewer(), "app", f"user-{n}")).status_code == 201
    with webhook_receiver() as receiver:
        receiver.secret = (await set_webhook(client, token, brand["id"], receiver.url))["secret"]
        await go_live(client, token, session["id"])
        # the 'live' event delivered twice at once: the second finds every subscription covered
        await asyncio.gather(app.state.dispatcher.drain(), app.state.dispatcher.drain())
        reports = await asyncio.gather(*(deliver(app) for _ in range(3)))
    assert sum(r.sent for r in reports) == 12
    ids = Counter(call["body"]["notification_id"] for call in receiver.calls)
    assert len(ids) == 12 and set(ids.values()) == {1}
    async with app.state.sessionmaker() as db:
        notes = (await db.exec(select(ReminderNotification))).all()
    assert len(notes) == 12 and {(n.state, n.attempts) for n in notes} == {("sent", 1)}
