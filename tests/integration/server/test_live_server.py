"""The real process: migrate, serve, answer /healthz, shut down cleanly."""

from __future__ import annotations

import httpx

from tests.live_server import run_server


def test_serve_answers_healthz_and_stops_cleanly(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}"}
    with run_server(env, tmp_dir=tmp_path) as server:
        response = httpx.get(f"{server.base_url}/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["database"] == "ok"
        assert response.headers["x-request-id"]
    assert server.process.returncode is not None
