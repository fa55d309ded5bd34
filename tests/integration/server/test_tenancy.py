"""Route × role: every API route is walked with every role.

The table is each route's own declaration (`opt=roles(...)`), so a new route is covered the day
it is added: a role it does not name gets 403, no token gets 401, and a brand token reaching
for another brand's object gets 404, never its data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.routes import HTTPRoute

from tests.factories import auth, make_brand, make_session, make_sku, make_token

TENANT_PARAMS = {"brand_id", "sku_id", "session_id"}
# Valid bodies for write routes, so a cross-tenant write is judged on tenancy, not on validation.
SAMPLE_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/brands/{brand_id}/skus"): {"code": "X-1", "title": "x", "price_minor": 100},
    ("POST", "/api/v1/brands/{brand_id}/sessions"): {"title": "x", "scheduled_start_at": "2030-01-01T00:00:00Z"},
    ("PATCH", "/api/v1/brands/{brand_id}"): {"name": "stolen"},
    ("PATCH", "/api/v1/skus/{sku_id}"): {"price_minor": 1},
    ("PATCH", "/api/v1/sessions/{session_id}"): {"title": "stolen"},
    ("POST", "/api/v1/sessions/{session_id}/state"): {"state": "cancelled"},
    ("POST", "/api/v1/sessions/{session_id}/lineup"): {"sku_id": "sku_x"},
    ("PUT", "/api/v1/sessions/{session_id}/pin"): {"sku_id": "sku_x"},
}


def api_routes(app) -> list[tuple[str, str, Any]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/v1/"):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods - {"OPTIONS", "HEAD"}:
                found.append((method, re.sub(r":\w+}", "}", route.path), handler))
    return found


@pytest.fixture
async def world(app, client):
    """Brand A with a SKU and a session; a token for each role; brand B's token."""
    admin = await make_token(app, "admin")
    brand_a, brand_b = await make_brand(client, admin), await make_brand(client, admin)
    token_a = await make_token(app, "brand", brand_id=brand_a["id"])
    ids = {
        "brand_id": brand_a["id"],
        "sku_id": (await make_sku(client, token_a, brand_a["id"]))["id"],
        "session_id": (await make_session(client, token_a, brand_a["id"]))["id"],
    }
    tokens = {
        "admin": admin,
        "brand": token_a,
        "finance": await make_token(app, "finance"),
        "other_brand": await make_token(app, "brand", brand_id=brand_b["id"]),
    }
    return ids, tokens


def fill(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: ids.get(m.group(1), f"{m.group(1)}_unknown"), path)


async def call(client, method: str, path: str, token: str | None, body: dict[str, Any] | None):
    headers = auth(token) if token else {}
    return await client.request(method, path, headers=headers, json=body if method != "GET" else None)


async def test_every_api_route_declares_who_may_call_it(app):
    undeclared = [(m, p) for m, p, h in api_routes(app) if "roles" not in h.opt and not h.opt.get("public")]
    assert undeclared == [], "declare opt=roles(...) (or opt=PUBLIC) on these routes"


async def test_no_token_is_401_and_a_missing_role_is_403(app, client, world):
    ids, tokens = world
    for method, path, handler in api_routes(app):
        if "roles" not in handler.opt:
            continue
        url, body = fill(path, ids), SAMPLE_BODIES.get((method, path), {})
        assert (await call(client, method, url, None, body)).status_code == 401, (method, path)
        for role in ("admin", "brand", "finance"):
            response = await call(client, method, url, tokens[role], body)
            allowed = role in {r.value for r in handler.opt["roles"]}
            assert (response.status_code == 403) is not allowed, (method, path, role, response.status_code)
            assert response.status_code not in (401, 500), (method, path, role, response.text)


async def test_another_brands_objects_are_404(app, client, world):
    ids, tokens = world
    checked = 0
    for method, path, handler in api_routes(app):
        params = set(re.findall(r"{(\w+)}", path))
        allowed = {r.value for r in handler.opt.get("roles", ())}
        if not params & TENANT_PARAMS or "brand" not in allowed:
            continue
        if method not in ("GET", "DELETE") and (method, path) not in SAMPLE_BODIES:
            continue
        response = await call(client, method, fill(path, ids), tokens["other_brand"], SAMPLE_BODIES.get((method, path)))
        assert response.status_code == 404, (method, path, response.status_code, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        checked += 1
    assert checked >= 12
