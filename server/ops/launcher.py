"""Starting Zhixiang — or any other loopback server — as a child process, the one way tests and
benchmarks both do it: a free port, output to a log file, readiness polled with a bound (the
process's log in the error when it exits early or never answers), and a graceful stop (SIGTERM so
the app's lifespan shutdown flushes its clicks and outbox, SIGKILL only past the bound)."""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "server.cli.main"]
# A bound, not a wait: a loaded 2-core box took ~30 s to start two workers.
READY_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 45.0
LOCALSTRIPE_KEY = "sk_test_zhixiang_localstripe"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_fd_limit(wanted: int = 65_536) -> int:
    """Lift this process's open-file limit towards `wanted` (within the hard limit); returns it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(wanted, hard) if hard != resource.RLIM_INFINITY else wanted
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


@dataclass
class ServerProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, chars: int = 3000) -> str:
        return self.log()[-chars:]

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> int:
        """SIGTERM and wait up to `timeout_s` (the app's shutdown drains its work), then SIGKILL."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def http_ok(url: str, headers: dict[str, str] | None = None) -> Callable[[], bool]:
    """Ready when `url` answers 200."""

    def probe() -> bool:
        with contextlib.suppress(httpx.HTTPError):
            return httpx.get(url, headers=headers, timeout=1).status_code == 200
        return False

    return probe


def port_open(port: int) -> Callable[[], bool]:
    """Ready when something accepts a connection on 127.0.0.1:`port` (servers without /healthz)."""

    def probe() -> bool:
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        return False

    return probe


def wait_ready(server: ServerProcess, ready: Callable[[], bool], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early ({server.process.returncode}):\n{server.log_tail()}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout_s:.0f} s:\n{server.log_tail()}")


@contextlib.contextmanager
def serve_process(
    name: str,
    argv: list[str],
    port: int,
    *,
    env: dict[str, str] | None = None,
    ready: Callable[[], bool] | None = None,
    log_dir: Path | None = None,
    ready_timeout_s: float = READY_TIMEOUT_S,
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> Iterator[ServerProcess]:
    """Run `argv` (which listens on `port`) until the block ends, then stop it gracefully."""
    log_path = (log_dir or Path(tempfile.gettempdir())) / f"zx-{name}-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            argv,
            env={**os.environ, **(env or {})},
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=raise_fd_limit,  # a server holding thousands of sockets needs the file limit
        )
    server = ServerProcess(name, port, process, log_path)
    try:
        wait_ready(server, ready or http_ok(f"{server.base_url}/healthz"), ready_timeout_s)
        yield server
    finally:
        server.stop(stop_timeout_s)


def zhixiang(env: dict[str, str], *args: str) -> str:
    """Run one `zhixiang` command with `env` on top of ours; its stdout (its stderr in the error)."""
    done = subprocess.run([*CLI, *args], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"zhixiang {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout


@contextlib.contextmanager
def serve_app(
    env: dict[str, str],
    workers: int = 1,
    *,
    server_name: str | None = None,
    log_dir: Path | None = None,
    stop_timeout_s: float = STOP_TIMEOUT_S,
) -> Iterator[ServerProcess]:
    """`zhixiang migrate`, then `zhixiang serve` on a free port until the block ends. `env` must
    carry SECRET_KEY (each caller keeps its own, so tokens it mints match); the ASGI server is
    `server_name` or whatever ZX_SERVER / the default says."""
    port = free_port()
    full = {"LOG_LEVEL": "WARNING", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", **env}
    zhixiang(full, "migrate")
    argv = [*CLI, "serve", "--port", str(port), "--workers", str(workers)]
    argv += ["--server", server_name] if server_name else []
    with serve_process(
        f"zhixiang-{server_name or 'app'}", argv, port, env=full, log_dir=log_dir, stop_timeout_s=stop_timeout_s
    ) as server:
        yield server


@contextlib.contextmanager
def serve_asgi(
    module_app: str, workers: int, *, server_name: str = "uvicorn", log_dir: Path | None = None
) -> Iterator[ServerProcess]:
    """Any `module:app` (with a /healthz) on `server_name` with the flags `zhixiang serve` uses."""
    port = free_port()
    start = (
        "import sys; from server.cli.serving import run_granian, run_uvicorn; "
        f"run_{server_name}(sys.argv[1], '127.0.0.1', int(sys.argv[2]), int(sys.argv[3]), factory=False)"
    )
    argv = [sys.executable, "-c", start, module_app, str(port), str(workers)]
    with serve_process(f"{module_app.replace(':', '-')}-{server_name}", argv, port, log_dir=log_dir) as server:
        yield server


@contextlib.contextmanager
def serve_localstripe(log_dir: Path | None = None, port: int | None = None) -> Iterator[ServerProcess]:
    """localstripe (a stateful Stripe test server) on `port` (default a free one); key LOCALSTRIPE_KEY."""
    port = port or free_port()
    argv = [sys.executable, "-m", "server.devstripe.localstripe_main", "--port", str(port), "--from-scratch"]
    ready = http_ok(f"http://127.0.0.1:{port}/v1/customers", {"Authorization": f"Bearer {LOCALSTRIPE_KEY}"})
    with serve_process("localstripe", argv, port, ready=ready, log_dir=log_dir, ready_timeout_s=30) as server:
        yield server
