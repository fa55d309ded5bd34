"""Running the real app as a separate process (one or more uvicorn workers) for tests that need
real sockets: websockets across workers, browsers, webhooks from a Stripe test server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _wait_healthy(server: LiveServer, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{server.log()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy after {timeout_s}s:\n{server.log()[-3000:]}")


@contextlib.contextmanager
def run_server(env: dict[str, str], workers: int = 1, tmp_dir: Path | None = None) -> Iterator[LiveServer]:
    """Migrate, then serve `zhixiang` on a free port with `env` (DATABASE_URL, REDIS_URL, …)."""
    port = free_port()
    full_env = {
        **os.environ,
        "SECRET_KEY": "test-secret-key-0123456789abcdef",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **env,
    }
    log_path = (tmp_dir or Path("/tmp")) / f"zx-server-{port}.log"
    cli = [sys.executable, "-m", "server.cli.main"]
    subprocess.run([*cli, "migrate"], env=full_env, cwd=ROOT, check=True, capture_output=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*cli, "serve", "--port", str(port), "--workers", str(workers)],
            env=full_env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        _wait_healthy(server, timeout_s=90)  # a bound, not a wait: a loaded 2-core box needs ~30 s for two workers
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
