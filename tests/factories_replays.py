"""Replay factories: a show whose SKUs were pinned in turn a minute apart, ended, and (optionally)
made a replay with a recording on this server (it 404s, so no browser reaches out of the machine)."""

from __future__ import annotations

from typing import Any

from server.kernel import clock
from tests.factories import auth

PIN_GAP_S = 60


async def pinned_in_turn(api: Any, token: str, session_id: str, sku_ids: list[str]) -> None:
    """Pin each SKU, one minute of show time apart (the process clock, not the wall)."""
    for sku_id in sku_ids:
        response = await api.put(f"/api/v1/sessions/{session_id}/pin", json={"sku_id": sku_id}, headers=auth(token))
        assert response.status_code == 200, response.text
        clock.advance(PIN_GAP_S)


async def end_show(api: Any, token: str, session_id: str) -> None:
    response = await api.post(f"/api/v1/sessions/{session_id}/state", json={"state": "ended"}, headers=auth(token))
    assert response.status_code == 200, response.text


async def attach_recording(api: Any, token: str, session_id: str, base_url: str) -> dict[str, Any]:
    body = {"playback_url": f"{base_url}/static/recordings/{session_id}.mp4"}
    response = await api.put(f"/api/v1/sessions/{session_id}/replay", json=body, headers=auth(token))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]
