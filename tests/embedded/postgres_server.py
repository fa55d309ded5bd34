"""An embedded PostgreSQL 16 (the binaries of the `pgserver` package) on a free loopback port.

Tuned for tests, not for keeping data: no fsync, no full-page writes, data in a temporary
directory removed at the end. `pgserver`'s own server class is not used: it listens on a Unix
socket only, and the suite (and the app processes it starts) connect over TCP. As root, initdb and
the server run as `nobody` (PostgreSQL refuses root; `pg_install` makes the binaries reachable)."""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.embedded import pg_install, process
from tests.embedded.ports import free_port

STARTUP_TIMEOUT_S = 60
SETTINGS = {
    "fsync": "off",
    "full_page_writes": "off",
    "synchronous_commit": "off",
    "max_connections": "300",  # two workers, app processes with pools, race tests with many sessions
    "shared_buffers": "64MB",
}


@dataclass
class EmbeddedPostgres:
    url: str
    version: str
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        # SIGINT is PostgreSQL's fast shutdown: sessions still open are ended, not waited for.
        process.stop(self.process, signal.SIGINT)
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> EmbeddedPostgres:
    user = process.unprivileged_user()
    directory = process.make_run_dir("pg", owner=user)
    try:
        return _start_in(pg_install.bin_dir_for(user, directory), directory, user)
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise


def _start_in(bin_dir: Path, directory: Path, user: tuple[int, int] | None) -> EmbeddedPostgres:
    data = directory / "data"
    initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
    process.run([*initdb, "--no-sync", "--no-instructions"], user)
    port = free_port()
    options = [arg for name, value in SETTINGS.items() for arg in ("-c", f"{name}={value}")]
    command = [str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(directory)]
    log = directory / "postgres.log"
    server = process.spawn([*command, *options], log, death_signal=signal.SIGQUIT, user=user)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    process.wait_ready(server, lambda: _answers(url), log, STARTUP_TIMEOUT_S)
    version = subprocess.run([str(bin_dir / "postgres"), "--version"], capture_output=True, text=True, check=True)
    return EmbeddedPostgres(url, version.stdout.split()[-1], directory, server)


def _answers(url: str) -> bool:
    with contextlib.suppress(psycopg.Error):
        psycopg.connect(url, connect_timeout=2).close()
        return True
    return False
