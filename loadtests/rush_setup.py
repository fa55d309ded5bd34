"""The stage of `python -m loadtests rush`: a live session whose brand sells one SKU of `units`
(one a buyer), and `partners` approved partners with one link each to that session. The brand,
SKU and session go through the public API as a brand would make them; the partners and their
links are written straight into the database (as the flash sale writes its carts): they exist
long before the sale, and making hundreds through the API would only time the set-up."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from server.kernel.ids import new_id


@dataclass
class RushStage:
    session_id: str
    sku_id: str
    brand_id: str
    admin_token: str
    link_codes: list[str]


def _ok(response: httpx.Response) -> dict:  # type: ignore[type-arg]
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path} → {response.status_code} {response.text[:300]}"
        )
    return response.json()  # type: ignore[no-any-return]


def _session(http: httpx.Client, units: int) -> tuple[str, str, str]:
    """(brand id, SKU id, session id): a live session with the SKU in its line-up, not pinned yet."""
    brand = _ok(
        http.post(
            "/api/v1/brands",
            json={
                "name": "Rush",
                "slug": f"rush-{uuid.uuid4().hex[:8]}",
                "default_currency": "CNY",
                "settings": {"per_buyer_limit_per_sku": 1, "unpaid_hold_share_bps": 10_000},
            },
        )
    )
    sku = _ok(
        http.post(
            f"/api/v1/brands/{brand['id']}/skus",
            json={"code": "RUSH-1", "title": "Rush item", "price_minor": 9900, "stock": units},
        )
    )
    start = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    live = _ok(http.post(f"/api/v1/brands/{brand['id']}/sessions", json={"title": "Rush", "scheduled_start_at": start}))
    _ok(http.post(f"/api/v1/sessions/{live['id']}/lineup", json={"sku_id": sku["id"]}))
    _ok(http.post(f"/api/v1/sessions/{live['id']}/state", json={"state": "live"}))
    return brand["id"], sku["id"], live["id"]


def _partners_with_links(db_url: str, brand_id: str, session_id: str, partners: int) -> list[str]:
    now = datetime.now(UTC)
    rows = [(new_id("ptn"), new_id("pts"), new_id("lnk"), secrets.token_urlsafe(8)) for _ in range(partners)]
    with psycopg.connect(db_url) as conn, conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO partners (id, name, created_at) VALUES (%s, %s, %s)",
            [(p, f"Rush partner {i}", now) for i, (p, _, _, _) in enumerate(rows)],
        )
        cur.executemany(
            "INSERT INTO partnerships (id, brand_id, partner_id, state, created_at, decided_at) "
            "VALUES (%s, %s, %s, 'approved', %s, %s)",
            [(s, brand_id, p, now, now) for p, s, _, _ in rows],
        )
        cur.executemany(
            "INSERT INTO links (id, code, partner_id, brand_id, target, session_id, label, created_at) "
            "VALUES (%s, %s, %s, %s, 'session', %s, 'Rush', %s)",
            [(link, code, p, brand_id, session_id, now) for p, _, link, code in rows],
        )
    return [code for _, _, _, code in rows]


def stage(base_url: str, db_url: str, admin_token: str, units: int, partners: int) -> RushStage:
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=60) as http:
        brand_id, sku_id, session_id = _session(http, units)
    codes = _partners_with_links(db_url, brand_id, session_id, partners)
    return RushStage(session_id, sku_id, brand_id, admin_token, codes)


def pin(base_url: str, stage: RushStage) -> None:
    """What the brand does on air: pin the SKU being explained; the room tells every viewer."""
    headers = {"Authorization": f"Bearer {stage.admin_token}"}
    _ok(
        httpx.put(
            f"{base_url}/api/v1/sessions/{stage.session_id}/pin",
            json={"sku_id": stage.sku_id},
            headers=headers,
            timeout=60,
        )
    )
