"""Starting what a benchmark measures as real processes on 127.0.0.1: the app (migrated first) and
any other server, each on a free port, stopped cleanly afterwards. Reusable by every benchmark."""

from __future__ import annotations

import contextlib
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "server.cli.main"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (needs psutil)."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return float("nan")
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def raise_fd_limit(wanted: int = 65_536) -> int:
    """Lift this process's open-file limit towards `wanted` (within the hard limit); returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class Served:
    base_url: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://")

    def log_tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]


def _wait_ready(served: Served, health_path: str | None, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"process exited early:\n{served.log_tail()}")
        with contextlib.suppress(OSError, httpx.HTTPError):
            if health_path is None:
                socket.create_connection(("127.0.0.1", served.port), timeout=1).close()
                return
            if httpx.get(served.base_url + health_path, timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"not ready after {timeout_s}s:\n{served.log_tail()}")


@contextlib.contextmanager
def serve_process(
    command: list[str], env: dict[str, str], port: int, health_path: str | None = "/healthz", timeout_s: float = 60
) -> Iterator[Served]:
    """Run `command` (which listens on `port`) until the block ends; SIGTERM, then SIGKILL."""
    log_path = Path(tempfile.gettempdir()) / f"zx-bench-{port}.log"
    preexec = lambda: raise_fd_limit()  # noqa: E731 - the child inherits nothing else from us
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec
        )
    served = Served(f"http://127.0.0.1:{port}", port, process, log_path)
    try:
        _wait_ready(served, health_path, timeout_s)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cli(env: dict[str, str], *args: str) -> str:
    """Run a `zhixiang` command with `env`; returns its stdout."""
    done = subprocess.run(
        [*CLI, *args], env={**os.environ, **env}, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


@contextlib.contextmanager
def serve_app(env: dict[str, str], workers: int = 1) -> Iterator[Served]:
    """Migrate, then serve Zhixiang with `workers` uvicorn workers on a free port."""
    port = free_port()
    full = {
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        **env,
    }
    cli(full, "migrate")
    with serve_process([*CLI, "serve", "--port", str(port), "--workers", str(workers)], full, port) as served:
        yield served
