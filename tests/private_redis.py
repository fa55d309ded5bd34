"""A redis-server of the test's own on a free port, for fault tests that kill it (never the
machine's shared Redis). No persistence: a restart comes back empty, like a failover to an
empty replica, which is the harder case for the app."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import redis

from tests.live_server import free_port
from tests.waiting import eventually_sync

REDIS_SERVER = os.environ.get("ZX_REDIS_SERVER", shutil.which("redis-server") or "/usr/bin/redis-server")


@dataclass
class PrivateRedis:
    port: int
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    up_since: float = field(default=0.0)  # time.monotonic() when it last answered PING

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, within_s: float = 10.0) -> float:
        """Start on `port` (the same one after a kill) and return when it answers PING."""
        args = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        process = self.process

        def answers() -> bool:
            with contextlib.suppress(redis.RedisError):
                if client.ping():
                    return True
            if process.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{self.log_path.read_text()[-2000:]}")
            return False

        try:
            eventually_sync(answers, within_s, f"redis-server on :{self.port} answering", every_s=0.02)
        except AssertionError:
            raise RuntimeError(f"redis-server on :{self.port} not answering after {within_s}s") from None
        self.up_since = time.monotonic()
        return self.up_since

    def kill(self) -> None:
        """SIGKILL: no goodbye to the clients, nothing saved."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None


@contextlib.contextmanager
def private_redis(tmp_dir: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(port=free_port(), log_path=tmp_dir / "redis.log")
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.process.kill()
            server.process.wait(timeout=10)
