"""The real process on each ASGI server `zhixiang serve` offers: migrate, serve, answer /healthz
and a tracked link, shut down cleanly."""

from __future__ import annotations

import httpx
import pytest

from tests.live_server import run_server


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_serve_answers_healthz_and_stops_cleanly(tmp_path, server_name):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}", "ZX_SERVER": server_name}
    with run_server(env, tmp_dir=tmp_path) as server:
        response = httpx.get(f"{server.base_url}/healthz")
        assert response.status_code == 200
        assert response.json()["checks"]["database"] == "ok"
        assert response.headers["x-request-id"]
        unknown = httpx.get(f"{server.base_url}/l/nosuchcode1", follow_redirects=False)
        assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert server.process.returncode in (0, -15), server.log()[-2000:]  # uvicorn re-raises SIGTERM once stopped
