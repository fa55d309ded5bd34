"""`zhixiang demo --simulate` against no server: one line and what to do, not a traceback."""

from __future__ import annotations

from click.testing import CliRunner

from server.cli.main import cli
from server.settings import get_settings
from tests.live_server import free_port


def test_simulate_without_a_server_says_how_to_start_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("SECRET_KEY", "test-secret-key-0123456789abcdef")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["demo", "--simulate", "--base-url", f"http://127.0.0.1:{free_port()}"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "simulation stopped: ConnectError" in result.output and "make run" in result.output
    assert "Traceback" not in result.output
