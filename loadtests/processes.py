"""What a benchmark measures, as real processes on 127.0.0.1: the app (migrated first), any ASGI
app module or other server, each on a free port and stopped gracefully afterwards. The launching
itself is `server/ops/launcher.py`, shared with the tests; this adds the benchmarks' secret and
what only benchmarks need (CPU of a process tree)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from server.ops.launcher import (
    LOCALSTRIPE_KEY,
    ROOT,
    ServerProcess,
    free_port,
    http_ok,
    port_open,
    raise_fd_limit,
    serve_asgi,
    serve_localstripe,
    serve_process,
    zhixiang,
)
from server.ops.launcher import serve_app as launch_app

__all__ = [
    "LOCALSTRIPE_KEY",
    "ROOT",
    "SECRET_KEY",
    "ServerProcess",
    "cli",
    "free_port",
    "raise_fd_limit",
    "serve_app",
    "serve_asgi",
    "serve_command",
    "serve_localstripe",
    "tree_cpu_s",
    "tree_rss_mb",
]

SECRET_KEY = "bench-secret-key-0123456789abcdef"
# The redirect benchmark counts clicks after the stop: the final flush must finish, not be killed.
STOP_TIMEOUT_S = 60.0


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


def tree_rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and its children now (needs psutil)."""
    try:
        import psutil

        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except (ImportError, Exception):
        return float("nan")
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            total += proc.memory_info().rss
    return total / 2**20


def cli(env: dict[str, str], *args: str) -> str:
    """Run a `zhixiang` command with the benchmarks' secret and `env`; returns its stdout."""
    return zhixiang({"SECRET_KEY": SECRET_KEY, **env}, *args)


@contextlib.contextmanager
def serve_app(
    env: dict[str, str], workers: int = 1, server_name: str | None = None, log_dir: Path | None = None
) -> Iterator[ServerProcess]:
    """Migrate, then serve Zhixiang with `workers` workers on a free port (the benchmarks' secret)."""
    full = {"SECRET_KEY": SECRET_KEY, **env}
    with launch_app(full, workers, server_name=server_name, log_dir=log_dir, stop_timeout_s=STOP_TIMEOUT_S) as app:
        yield app


@contextlib.contextmanager
def serve_command(name: str, module: str, *args: str, health_path: str | None = None) -> Iterator[ServerProcess]:
    """`python -m module --port N *args` on a free port: ready on `health_path` answering 200, or
    on the port accepting connections when there is none."""
    port = free_port()
    argv = [sys.executable, "-m", module, "--port", str(port), *args]
    ready = http_ok(f"http://127.0.0.1:{port}{health_path}") if health_path else port_open(port)
    with serve_process(name, argv, port, ready=ready, stop_timeout_s=STOP_TIMEOUT_S) as served:
        yield served
