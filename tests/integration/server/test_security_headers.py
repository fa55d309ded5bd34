"""Every response carries the browser hardening headers; production adds HSTS and makes every
cookie Secure; an HTTP route never takes a token from the URL (only a websocket does)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_session, make_token

COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "x-frame-options": "DENY",
}


@pytest.fixture
async def prod(sqlite_url) -> AsyncIterator[tuple[Any, Any]]:
    app = create_app(make_settings(sqlite_url, environment="production"))
    async with AsyncTestClient(app=app) as client:
        yield app, client


def hardened(response: Any) -> bool:
    return all(response.headers.get(name) == value for name, value in COMMON.items())


async def test_pages_api_and_errors_carry_the_headers(app, client):
    for path in ("/", "/healthz", "/api/v1/brands/brd_nope", "/no/such/page", "/signin"):
        response = await client.get(path)
        assert hardened(response), (path, dict(response.headers))
        assert "strict-transport-security" not in response.headers  # development is plain http


async def test_production_adds_hsts_and_secure_cookies(prod):
    app, client = prod
    assert (await client.get("/healthz")).headers["strict-transport-security"].startswith("max-age=31536000")
    admin = await make_token(app, "admin")
    signin = await client.post("/signin", data={"token": admin, "next": "/"}, follow_redirects=False)
    assert hardened(signin) and "; Secure" in signin.headers["set-cookie"]
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    mine = await client.get(f"/api/v1/sessions/{session['id']}/reminders/me")
    assert "zx_vid=" in mine.headers["set-cookie"] and "; Secure" in mine.headers["set-cookie"]
    assert "HttpOnly" in mine.headers["set-cookie"]


async def test_development_cookies_are_not_secure(app, client):
    admin = await make_token(app, "admin")
    signin = await client.post("/signin", data={"token": admin, "next": "/"}, follow_redirects=False)
    assert "zx_token=" in signin.headers["set-cookie"] and "Secure" not in signin.headers["set-cookie"]


async def test_an_http_route_ignores_a_token_in_the_url(app, client):
    admin = await make_token(app, "admin")
    assert (await client.get("/api/v1/me", headers=auth(admin))).status_code == 200
    assert (await client.get(f"/api/v1/me?token={admin}")).status_code == 401
