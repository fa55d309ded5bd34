"""Bad input gets a 4xx problem+json that says what to fix, and the database is unchanged."""

from __future__ import annotations

import pytest

from tests.factories import auth, go_live, make_brand, make_session, make_sku, make_token


@pytest.fixture
async def brand_ctx(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    return admin, brand, token


async def sku_codes(client, token, brand_id) -> list[str]:
    page = await client.get(f"/api/v1/brands/{brand_id}/skus", headers=auth(token))
    return sorted(s["code"] for s in page.json()["items"])


def assert_problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["type"].startswith("https://") and body["detail"]
    if field is not None:
        assert field in [e["field"] for e in body.get("errors", [])], body
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "A", "title": "t", "price_minor": -1}, "price_minor"),
        ({"code": "A", "title": "t", "price_minor": 100, "stock": -5}, "stock"),
        ({"code": "A", "title": "t", "price_minor": "12.50"}, "price_minor"),
        ({"code": "A", "title": "t", "price_minor": 100, "currency": "usd"}, "currency"),
        ({"code": "A", "title": "t", "price_minor": 100, "currency": "XYZ"}, "currency"),
        ({"code": "A", "title": "t", "price_minor": 100, "colour": "red"}, "colour"),
        ({"code": "has space", "title": "t", "price_minor": 100}, "code"),
        ({"title": "t", "price_minor": 100}, "code"),
    ],
)
async def test_invalid_sku_is_rejected_and_nothing_is_written(client, brand_ctx, body, field):
    _, brand, token = brand_ctx
    response = await client.post(f"/api/v1/brands/{brand['id']}/skus", json=body, headers=auth(token))
    assert_problem(response, 422, field)
    assert await sku_codes(client, token, brand["id"]) == []


async def test_duplicate_sku_code_is_a_conflict(client, brand_ctx):
    _, brand, token = brand_ctx
    await make_sku(client, token, brand["id"], code="DUP-1", price_minor=500)
    response = await client.post(
        f"/api/v1/brands/{brand['id']}/skus",
        headers=auth(token),
        json={"code": "DUP-1", "title": "again", "price_minor": 999},
    )
    assert_problem(response, 409, "code")
    skus = (await client.get(f"/api/v1/brands/{brand['id']}/skus", headers=auth(token))).json()["items"]
    assert [(s["code"], s["price_minor"]) for s in skus] == [("DUP-1", 500)]


async def test_malformed_json_is_400(client, brand_ctx):
    _, brand, token = brand_ctx
    response = await client.post(
        f"/api/v1/brands/{brand['id']}/skus",
        content=b"{not json",
        headers={**auth(token), "content-type": "application/json"},
    )
    assert_problem(response, 400)


@pytest.mark.parametrize("start", ["2030-01-01T20:00:00", "tomorrow"])
async def test_session_needs_an_aware_start_time(client, brand_ctx, start):
    _, brand, token = brand_ctx
    response = await client.post(
        f"/api/v1/brands/{brand['id']}/sessions", headers=auth(token), json={"title": "x", "scheduled_start_at": start}
    )
    assert_problem(response, 422, "scheduled_start_at")
    sessions = (await client.get(f"/api/v1/brands/{brand['id']}/sessions", headers=auth(token))).json()
    assert sessions["items"] == []


@pytest.mark.parametrize(("path_to", "target"), [("live", "scheduled"), ("cancelled", "live")])
async def test_illegal_transitions_leave_the_state_alone(client, brand_ctx, path_to, target):
    _, brand, token = brand_ctx
    session = await make_session(client, token, brand["id"])
    first = await client.post(f"/api/v1/sessions/{session['id']}/state", json={"state": path_to}, headers=auth(token))
    assert first.status_code == 200
    response = await client.post(f"/api/v1/sessions/{session['id']}/state", json={"state": target}, headers=auth(token))
    body = assert_problem(response, 409)
    assert body["from"] == path_to and body["to"] == target
    assert (await client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))).json()["state"] == path_to


async def test_pin_needs_a_live_session_and_a_lineup_sku(client, brand_ctx):
    _, brand, token = brand_ctx
    session = await make_session(client, token, brand["id"])
    sku = await make_sku(client, token, brand["id"])
    early = await client.put(f"/api/v1/sessions/{session['id']}/pin", json={"sku_id": sku["id"]}, headers=auth(token))
    assert_problem(early, 409)
    await go_live(client, token, session["id"])
    outside = await client.put(f"/api/v1/sessions/{session['id']}/pin", json={"sku_id": sku["id"]}, headers=auth(token))
    assert_problem(outside, 422, "sku_id")
    state = (await client.get(f"/api/v1/sessions/{session['id']}", headers=auth(token))).json()
    assert state["pinned_sku_id"] is None


async def test_lineup_rejects_another_brands_sku(app, client, brand_ctx):
    admin, brand, token = brand_ctx
    other = await make_brand(client, admin)
    other_sku = await make_sku(client, await make_token(app, "brand", brand_id=other["id"]), other["id"])
    session = await make_session(client, token, brand["id"])
    response = await client.post(
        f"/api/v1/sessions/{session['id']}/lineup", json={"sku_id": other_sku["id"]}, headers=auth(token)
    )
    assert_problem(response, 422, "sku_id")


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer zx_a_forged", "Basic dXNlcjpwYXNz", "Bearer"])
async def test_malformed_or_unknown_tokens_are_401(client, header):
    response = await client.get("/api/v1/brands", headers={"Authorization": header})
    body = assert_problem(response, 401)
    assert "token" in body["detail"]
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_revoked_token_stops_working_at_once(app, client):
    admin = await make_token(app, "admin")
    issued = await client.post("/api/v1/admin/tokens", json={"role": "finance", "name": "temp"}, headers=auth(admin))
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert (await client.get("/api/v1/brands", headers=auth(token))).status_code == 200
    revoked = await client.delete(f"/api/v1/admin/tokens/{issued.json()['id']}", headers=auth(admin))
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert_problem(await client.get("/api/v1/brands", headers=auth(token)), 401)


@pytest.mark.parametrize(
    "body",
    [
        {"role": "brand"},
        {"role": "partner", "brand_id": "brd_x"},
        {"role": "root"},
        {"role": "admin", "brand_id": "brd_x"},
    ],
)
async def test_token_binding_must_match_the_role(app, client, body):
    admin = await make_token(app, "admin")
    response = await client.post("/api/v1/admin/tokens", json=body, headers=auth(admin))
    assert_problem(response, 422)


async def test_token_for_a_missing_brand_is_refused(app, client):
    admin = await make_token(app, "admin")
    response = await client.post(
        "/api/v1/admin/tokens", json={"role": "brand", "brand_id": "brd_missing"}, headers=auth(admin)
    )
    assert_problem(response, 422, "brand_id")
    listed = (await client.get("/api/v1/admin/tokens", headers=auth(admin))).json()["items"]
    assert [t["role"] for t in listed] == ["admin"]


async def test_tokens_are_stored_hashed_and_shown_once(app, client):
    admin = await make_token(app, "admin")
    issued = (await client.post("/api/v1/admin/tokens", json={"role": "finance"}, headers=auth(admin))).json()
    listed = (await client.get("/api/v1/admin/tokens", headers=auth(admin))).json()["items"]
    assert all("token" not in t for t in listed)
    from sqlmodel import select

    from server.auth.models import ApiToken

    async with app.state.sessionmaker() as session:
        rows = (await session.exec(select(ApiToken))).all()
    assert issued["token"] not in {r.token_hash for r in rows}
    assert all(len(r.token_hash) == 64 for r in rows)
