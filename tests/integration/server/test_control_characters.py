"""A NUL (or another control character) anywhere a client can put text is a 422, a malformed id in
a path is a 404, on public and authenticated routes, on SQLite and PostgreSQL (which refuses 0x00
in text: before this rule every such request was a 500). /healthz stays fast meanwhile."""

from __future__ import annotations

import asyncio
import time

from tests.factories import auth, make_brand, make_session, make_token

NUL = "\u0000"


async def test_control_characters_are_422_and_malformed_ids_404(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    session = await make_session(client, token, brand["id"])
    sid, bid = session["id"], brand["id"]
    body_cases = [
        ("POST", f"/api/v1/sessions/{sid}/reminders", {"channel": "email", "address": f"a{NUL}@example.com"}, None),
        ("POST", "/api/v1/brands", {"name": f"Evil{NUL}Brand"}, admin),
        ("PUT", f"/api/v1/brands/{bid}/notifier", {"url": f"https://crm.example.com/{NUL}"}, token),
        ("POST", f"/api/v1/brands/{bid}/sessions", {"title": "bell\u0007", "nested": [{"k": "\u001b[31m"}]}, token),
    ]
    for method, url, body, who in body_cases:
        response = await client.request(method, url, json=body, headers=auth(who) if who else {})
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "control character" in response.json()["detail"]
    query = await client.get(f"/api/v1/sessions/{sid}/reminders/me?ref=%00")
    assert query.status_code == 422
    form = await client.post("/signin", content=b"token=zx_%00&next=/", headers=FORM)
    assert form.status_code == 422
    for url, who in [
        ("/api/v1/sessions/ses_%00/reminders/me", None),
        (f"/api/v1/sessions/{sid[:-1]}%00/reminders/me", None),
        ("/api/v1/sessions/not-an-id/reminders/me", None),
        ("/api/v1/brands/brd_%00", admin),
        (f"/api/v1/brands/{bid}%00", admin),
        ("/live/ses_%00", None),
    ]:
        response = await client.get(url, headers=auth(who) if who else {})
        assert response.status_code == 404, (url, response.text)
    # a backslash and a tab are text, not control characters
    fine = await make_brand(client, admin, name="Back\\u0000slash\tTab")
    assert fine["name"] == "Back\\u0000slash\tTab"


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


async def test_healthz_stays_fast_while_bad_input_arrives(app, client):
    admin = await make_token(app, "admin")

    async def bad() -> None:
        for _ in range(20):
            await client.post("/api/v1/brands", json={"name": NUL * 50}, headers=auth(admin))
            await client.get("/api/v1/brands/brd_%00", headers=auth(admin))

    async def health() -> list[float]:
        took = []
        for _ in range(10):
            started = time.perf_counter()
            assert (await client.get("/healthz")).status_code == 200
            took.append(time.perf_counter() - started)
        return took

    _, took = await asyncio.gather(bad(), health())
    assert max(took) < 1.0, took
