"""A brand points reminders at its own system: the secret is shown once, can be rotated, and the
URL must be https in production (http only to a relay the operator allow-listed). Another brand sees 404."""

from __future__ import annotations

from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_token


async def brand_and_token(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    return brand["id"], await make_token(app, "brand", brand_id=brand["id"])


async def test_set_read_rotate_and_remove_the_webhook(app, client):
    brand_id, token = await brand_and_token(app, client)
    url = f"/api/v1/brands/{brand_id}/notifier"
    assert (await client.get(url, headers=auth(token))).json()["kind"] == "log"
    for bad in ("ftp://example.com/x", "https://user:pw@example.com/x", "not a url at all", "http://[::1/x"):
        response = await client.put(url, json={"url": bad}, headers=auth(token))
        assert response.status_code == 422, (bad, response.text)
    assert (await client.get(url, headers=auth(token))).json()["kind"] == "log"
    created = await client.put(url, json={"url": "http://crm.internal:8080/hooks"}, headers=auth(token))
    # (outside production a plain-http URL is fine: a local relay, a dev box)
    assert created.status_code == 201
    secret = created.json()["secret"]
    assert secret.startswith("zxwhsec_") and len(secret) > 40
    shown = (await client.get(url, headers=auth(token))).json()
    assert shown["kind"] == "webhook" and shown["secret"] is None and secret not in str(shown)
    assert shown["secret_hint"].endswith(secret[-4:])
    moved = await client.put(url, json={"url": "https://crm.example.com/v2"}, headers=auth(token))
    assert moved.status_code == 200 and moved.json()["secret"] is None
    rotated = await client.put(
        url, json={"url": "https://crm.example.com/v2", "rotate_secret": True}, headers=auth(token)
    )
    assert rotated.json()["secret"] not in (None, secret)
    assert (await client.delete(url, headers=auth(token))).status_code == 204
    assert (await client.get(url, headers=auth(token))).json() == {
        "brand_id": brand_id,
        "kind": "log",
        "url": None,
        "secret_hint": None,
        "secret": None,
    }


async def test_production_needs_https_except_to_an_allow_listed_relay(sqlite_url):
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    settings = make_settings(
        sqlite_url, environment="production", egress_allow="127.0.0.1", reminder_delivery_interval_s=0
    )
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        brand_id, token = await brand_and_token(app, client)
        url = f"/api/v1/brands/{brand_id}/notifier"
        plain = await client.put(url, json={"url": "http://crm.example.com/x"}, headers=auth(token))
        assert plain.status_code == 422
        loopback = await client.put(url, json={"url": "http://127.0.0.1:9000/x"}, headers=auth(token))
        assert loopback.status_code == 201


async def test_another_brand_gets_404(app, client):
    brand_id, token = await brand_and_token(app, client)
    _, other = await brand_and_token(app, client)
    url = f"/api/v1/brands/{brand_id}/notifier"
    await client.put(url, json={"url": "https://crm.example.com/hooks"}, headers=auth(token))
    for method in ("GET", "DELETE"):
        assert (await client.request(method, url, headers=auth(other))).status_code == 404
    stolen = await client.put(
        url, json={"url": "https://evil.example.com/", "rotate_secret": True}, headers=auth(other)
    )
    assert stolen.status_code == 404
    assert (await client.get(url, headers=auth(token))).json()["url"] == "https://crm.example.com/hooks"
