"""Runs HTTP servers as separate processes for benchmarks: the real app (`zhixiang serve`) and
any ASGI app module, on uvicorn or Granian with the flags `zhixiang serve` uses, on free loopback
ports, stopped with SIGTERM (a clean shutdown)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ServerProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self, timeout_s: float = 60) -> int:
        """SIGTERM and wait: the app's lifespan shutdown (e.g. the click flusher's final write) runs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def _wait_healthy(server: ServerProcess, timeout_s: float = 40) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early: {server.log_path.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not healthy after {timeout_s}s")


def _start(name: str, argv: list[str], env: dict[str, str], port: int, log_dir: Path) -> ServerProcess:
    log_path = log_dir / f"{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = ServerProcess(name, port, process, log_path)
    try:
        _wait_healthy(server)
    except Exception:
        server.stop(5)
        raise
    return server


@contextlib.contextmanager
def zhixiang_app(
    env: dict[str, str], workers: int, log_dir: Path, server_name: str = "uvicorn"
) -> Iterator[ServerProcess]:
    """`zhixiang migrate`, then `zhixiang serve --workers N --server NAME` with `env`."""
    port = free_port()
    cli = [sys.executable, "-m", "server.cli.main"]
    subprocess.run([*cli, "migrate"], env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True)
    argv = [*cli, "serve", "--port", str(port), "--workers", str(workers), "--server", server_name]
    server = _start(f"zhixiang-{server_name}", argv, env, port, log_dir)
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def asgi_app(module_app: str, workers: int, log_dir: Path, server_name: str = "uvicorn") -> Iterator[ServerProcess]:
    """Any `module:app` on `server_name` with the same flags `zhixiang serve` uses (server/cli/serving.py)."""
    port = free_port()
    start = (
        "import sys; from server.cli.serving import run_granian, run_uvicorn; "
        f"run_{server_name}(sys.argv[1], '127.0.0.1', int(sys.argv[2]), int(sys.argv[3]), factory=False)"
    )
    argv = [sys.executable, "-c", start, module_app, str(port), str(workers)]
    server = _start(f"{module_app}-{server_name}", argv, {}, port, log_dir)
    try:
        yield server
    finally:
        server.stop()
