"""Factories: build just what a test needs, through the services (or the API), nothing more."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from litestar import Litestar

from server.auth.schemas import TokenCreate
from server.auth.tokens import TokenService
from server.kernel.principal import Role

_seq = itertools.count(1)


async def make_token(
    app: Litestar, role: Role | str, *, brand_id: str | None = None, partner_id: str | None = None
) -> str:
    async with app.state.sessionmaker() as session:
        data = TokenCreate(role=Role(role), brand_id=brand_id, partner_id=partner_id, name="test")
        _, token = await TokenService(session).issue(data)
    return token


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Tests that race many unpaid checkouts at a small stock predate the unpaid-hold share cap (30 % by
# default); a test of the cap names its own share.
NO_HOLD_SHARE_CAP = {"unpaid_hold_share_bps": 10_000}
# Tests of holds, settlement and payouts predate `release_on: completion` (new brands' default since
# issue #24) and release after `hold_period_days`; a test of completion names it.
RELEASE_ON_DAYS = {"release_on": "days"}


async def make_brand(client: Any, admin_token: str, **fields: Any) -> dict[str, Any]:
    n = next(_seq)
    fields["settings"] = {**NO_HOLD_SHARE_CAP, **RELEASE_ON_DAYS, **fields.get("settings", {})}
    body = {"name": f"Brand {n}", "slug": f"brand-{n}", "default_currency": "CNY", **fields}
    response = await client.post("/api/v1/brands", json=body, headers=auth(admin_token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def make_sku(client: Any, token: str, brand_id: str, **fields: Any) -> dict[str, Any]:
    n = next(_seq)
    body = {"code": f"SKU-{n}", "title": f"Thing {n}", "price_minor": 9900, "stock": 10, **fields}
    response = await client.post(f"/api/v1/brands/{brand_id}/skus", json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def make_session(client: Any, token: str, brand_id: str, **fields: Any) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    body = {
        "title": f"Live {next(_seq)}",
        "scheduled_start_at": start,
        "playback_url": "https://example.com/live.m3u8",
        **fields,
    }
    response = await client.post(f"/api/v1/brands/{brand_id}/sessions", json=body, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def add_to_lineup(client: Any, token: str, session_id: str, sku_id: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/sessions/{session_id}/lineup", json={"sku_id": sku_id, **fields}, headers=auth(token)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def go_live(client: Any, token: str, session_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/v1/sessions/{session_id}/state", json={"state": "live"}, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


@asynccontextmanager
async def from_address(app: Litestar, host: str) -> AsyncIterator[httpx.AsyncClient]:
    """Requests to a running app (its lifespan run by a test client) from another client address."""
    transport = httpx.ASGITransport(app=app, client=(host, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
