"""Running the real app as a separate process (one or more workers) for tests that need real
sockets: websockets across workers, browsers, webhooks from a Stripe test server. The launcher is
the one benchmarks use too (`server/ops/launcher.py`); this keeps the tests' secret and names."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from server.ops.launcher import ROOT, ServerProcess, free_port, serve_app

__all__ = ["CHROMIUM_ARGS", "ROOT", "LiveServer", "free_port", "run_server"]

SECRET_KEY = "test-secret-key-0123456789abcdef"
STOP_TIMEOUT_S = 15.0  # then SIGKILL: a test that hangs in shutdown should not hold the suite
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

LiveServer = ServerProcess


@contextlib.contextmanager
def run_server(env: dict[str, str], workers: int = 1, tmp_dir: Path | None = None) -> Iterator[LiveServer]:
    """Migrate, then serve `zhixiang` on a free port with `env` (DATABASE_URL, REDIS_URL, …)."""
    with serve_app(
        {"SECRET_KEY": SECRET_KEY, **env}, workers, log_dir=tmp_dir, stop_timeout_s=STOP_TIMEOUT_S
    ) as server:
        yield server
