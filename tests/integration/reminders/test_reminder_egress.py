"""A brand's webhook cannot reach inside the network (SSRF): refused at save by what the URL says,
and at send by every address the name resolves to then (DNS rebinding); what went wrong is one
generic "delivery failed" (no telling open ports from closed)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlmodel import select

from broadcast.reminders.models import BrandNotifier, ReminderNotification
from broadcast.reminders.notifiers.webhook import FAILED, REFUSED
from server.app import create_app
from server.kernel.ids import new_id
from tests.app_settings import make_settings
from tests.factories import auth, go_live, make_brand, make_session, make_token
from tests.factories_reminders import deliver, subscribe, viewer, webhook_receiver

INSIDE = [
    "http://127.0.0.1:6379/",
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://10.0.0.5/hooks",
    "https://192.168.1.20/hooks",
    "https://172.16.4.4/hooks",
    "https://224.0.0.1/hooks",
    "https://240.0.0.9/hooks",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://localhost/hooks",
]


@pytest.fixture
async def prod(sqlite_url) -> AsyncIterator[tuple[Any, Any]]:
    app = create_app(make_settings(sqlite_url, environment="production", reminder_delivery_interval_s=0))
    async with AsyncTestClient(app=app) as client:
        yield app, client


async def live_session_with_hook(app: Any, client: Any, url: str) -> str:
    """A live session with one subscriber whose brand's webhook is `url` (stored as is)."""
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    assert (await subscribe(client, session["id"], viewer())).status_code == 201
    async with app.state.sessionmaker() as db:
        db.add(BrandNotifier(id=new_id("ntr"), brand_id=brand["id"], url=url, secret="zxwhsec_test"))
        await db.commit()
    await go_live(client, token, session["id"])
    await app.state.dispatcher.drain()
    return str(session["id"])


async def the_notification(app: Any, session_id: str) -> ReminderNotification:
    async with app.state.sessionmaker() as db:
        stmt = select(ReminderNotification).where(ReminderNotification.session_id == session_id)
        return (await db.exec(stmt)).one()


@pytest.mark.parametrize("url", INSIDE)
async def test_each_inside_address_is_refused_at_save_in_production(prod, url):
    app, client = prod
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    response = await client.put(f"/api/v1/brands/{brand['id']}/notifier", json={"url": url}, headers=auth(token))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "inside the network" in response.json()["detail"] or "https://" in response.json()["detail"]


async def test_the_operator_allow_list_admits_a_named_relay(sqlite_url):
    settings = make_settings(sqlite_url, environment="production", egress_allow="127.0.0.1, 10.0.0.0/8")
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        admin = await make_token(app, "admin")
        brand = await make_brand(client, admin)
        token = await make_token(app, "brand", brand_id=brand["id"])
        url = f"/api/v1/brands/{brand['id']}/notifier"
        for allowed in ("http://127.0.0.1:9000/x", "https://10.1.1.1/x"):
            assert (await client.put(url, json={"url": allowed}, headers=auth(token))).status_code in (200, 201)
        assert (await client.put(url, json={"url": "https://192.168.1.1/x"}, headers=auth(token))).status_code == 422


async def test_a_name_resolving_to_loopback_is_refused_at_send_in_production(prod):
    app, client = prod

    async def rebinding(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    with webhook_receiver() as receiver:
        port = receiver.url.split(":")[2].split("/")[0]
        sid = await live_session_with_hook(app, client, f"https://hooks.brand.example:{port}/hooks/zhixiang")
        report = await deliver(app, resolver=rebinding)
        assert receiver.calls == []
    note = await the_notification(app, sid)
    assert report.failed == 1 and note.state == "failed" and note.last_error == REFUSED


async def test_localhost_is_refused_at_send_in_production(prod):
    app, client = prod
    with webhook_receiver() as receiver:
        sid = await live_session_with_hook(app, client, receiver.url.replace("127.0.0.1", "localhost"))
        await deliver(app)
        assert receiver.calls == []
    assert (await the_notification(app, sid)).last_error == REFUSED


async def test_the_request_goes_to_the_checked_address(app, client):
    # development: loopback is on the default allow-list; the name resolves (by the seam) to it
    async def to_loopback(host: str, port: int) -> list[str]:
        assert host == "hooks.brand.example"
        return ["127.0.0.1"]

    with webhook_receiver() as receiver:
        receiver.secret = "zxwhsec_test"
        port = receiver.url.split(":")[2].split("/")[0]
        await live_session_with_hook(app, client, f"http://hooks.brand.example:{port}/hooks/zhixiang")
        report = await deliver(app, resolver=to_loopback)
    assert report.sent == 1 and len(receiver.delivered) == 1


async def test_a_closed_port_reads_as_a_generic_failure(app, client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    sid = await live_session_with_hook(app, client, f"http://127.0.0.1:{port}/")
    report = await deliver(app)
    note = await the_notification(app, sid)
    assert report.retrying == 1 and note.last_error == FAILED
