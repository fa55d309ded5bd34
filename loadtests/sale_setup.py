"""The sale a locust run loads: a live session and its partners' link codes, either given
(`ZX_SESSION_ID`, `ZX_LINK_CODES=code1,code2`) or staged now through the public API with the demo
tokens (derived from SECRET_KEY as `zhixiang demo` derives them: run the load on the server's host)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

STOCK_FLOOR = 100_000


@dataclass
class Sale:
    session_id: str
    codes: list[str]
    sku_ids: list[str] = field(default_factory=list)


def sale_for(base_url: str) -> Sale:
    if os.environ.get("ZX_SESSION_ID") and os.environ.get("ZX_LINK_CODES"):
        session_id = os.environ["ZX_SESSION_ID"]
        return Sale(session_id, os.environ["ZX_LINK_CODES"].split(","), _lineup(base_url, session_id))
    from server.demo.simulate.config import Tokens
    from server.settings import get_settings

    return stage(base_url, Tokens.demo(get_settings().secret_key))


def _lineup(base_url: str, session_id: str) -> list[str]:
    """The public line-up, as a viewer learns it: from the room's first websocket message."""
    import websocket

    socket = websocket.create_connection(f"{base_url.replace('http', 'ws', 1)}/ws/sessions/{session_id}", timeout=10)
    try:
        snapshot = json.loads(socket.recv())
    finally:
        socket.close()
    return [item["sku_id"] for item in snapshot.get("lineup", [])]


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(
            f"staging the sale: {response.request.method} {response.request.url.path} → "
            f"{response.status_code} {response.text[:200]}"
        )
    return response.json()


def stage(base_url: str, tokens: Any) -> Sale:
    """A fresh live session with the demo line-up (stock topped up) and one link per demo sharer."""
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {tokens.brand}"}, timeout=30) as brand:
        brand_id = _ok(brand.get("/api/v1/brands"))["items"][0]["id"]
        skus = _ok(brand.get(f"/api/v1/brands/{brand_id}/skus"))["items"][:4]
        start = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
        live = _ok(
            brand.post(
                f"/api/v1/brands/{brand_id}/sessions", json={"title": "Load test live", "scheduled_start_at": start}
            )
        )
        for sku in skus:
            if sku["stock"] < STOCK_FLOOR:
                _ok(brand.patch(f"/api/v1/skus/{sku['id']}", json={"stock": STOCK_FLOOR}))
            _ok(brand.post(f"/api/v1/sessions/{live['id']}/lineup", json={"sku_id": sku["id"]}))
        _ok(brand.post(f"/api/v1/sessions/{live['id']}/state", json={"state": "live"}))
    return Sale(
        live["id"], [_link(base_url, token, live["id"]) for token in tokens.partners.values()], [s["id"] for s in skus]
    )


def _link(base_url: str, token: str, session_id: str) -> str:
    with httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30) as partner:
        partner_id = _ok(partner.get("/api/v1/me"))["partner_id"]
        link = _ok(
            partner.post(
                f"/api/v1/partners/{partner_id}/links",
                json={"target": "session", "session_id": session_id, "label": "Load test"},
            )
        )
    return str(link["code"])
