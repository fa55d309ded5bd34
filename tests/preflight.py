"""Before the suite: use the machine's PostgreSQL and Redis when they answer, start private ones
when they do not, and find Chromium — then say which, in the run's header.

`tests/conftest.py` calls `start` from pytest_configure and `stop` from pytest_unconfigure in the
controller process only (xdist workers skip both). The controller starts each embedded server once
and exports its URL (ZX_TEST_PG_URL, ZX_TEST_REDIS_URL) before xdist spawns its workers, so every
worker, and every app process a test starts, inherits the same servers (each worker still has its
own database and key prefix). pytest runs unconfigure after a failure, on Ctrl-C, and on SIGTERM
(turned into KeyboardInterrupt here); what a hard kill leaves is handled in `tests/embedded/process.py`.

CI (`CI=true`) keeps its rule: the machine's services are used when present, embedded ones
otherwise, and a service neither gives fails its tests instead of skipping them."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from tests import chromium, services
from tests.embedded import postgres_server, process, redis_server


class Embedded(Protocol):
    url: str
    version: str
    pid: int
    directory: os.PathLike[str]

    def stop(self) -> None: ...


@dataclass(frozen=True)
class Service:
    name: str
    env: str
    url: Callable[[], str]
    answers: Callable[[str], Exception | None]
    start_embedded: Callable[[], Embedded]


SERVICES = (
    Service("PostgreSQL", services.PG_ENV, services.pg_admin_url, services.postgres_available, postgres_server.start),
    Service("Redis", services.REDIS_ENV, services.redis_test_url, services.redis_available, redis_server.start),
)


@dataclass
class Preflight:
    lines: list[str] = field(default_factory=list)
    embedded: list[Embedded] = field(default_factory=list)
    saved_env: dict[str, str | None] = field(default_factory=dict)
    saved_sigterm: object = None

    def stop(self) -> None:
        """Stop the embedded servers (their data goes with them) and give back the environment."""
        while self.embedded:
            self.embedded.pop().stop()
        for name, value in self.saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self.saved_sigterm is not None:
            signal.signal(signal.SIGTERM, self.saved_sigterm)  # type: ignore[arg-type]


def start() -> Preflight:
    preflight = Preflight()
    process.sweep_stale()
    try:
        for service in SERVICES:
            preflight.lines.append(_prepare(service, preflight))
    except BaseException:
        preflight.stop()
        raise
    if preflight.embedded and threading.current_thread() is threading.main_thread():
        preflight.saved_sigterm = signal.signal(signal.SIGTERM, _interrupt)
    preflight.lines.append(_chromium_line())
    return preflight


def _prepare(service: Service, preflight: Preflight) -> str:
    url = service.url()
    if service.answers(url) is None:
        return f"{service.name:<11} {_where(url)} ({service.env})"
    try:
        server = service.start_embedded()
    except Exception as exc:
        outcome = "fail" if services.services_required() else "skip"
        return f"{service.name:<11} MISSING — nothing at {_where(url)} and the embedded one failed ({exc}); its tests {outcome}"
    preflight.embedded.append(server)
    preflight.saved_env[service.env] = os.environ.get(service.env)
    os.environ[service.env] = server.url
    return (
        f"{service.name:<11} embedded {server.version} in {server.directory} "
        f"(pid {server.pid}, {_where(server.url)}; nothing answered at {_where(url)})"
    )


def _chromium_line() -> str:
    found = chromium.find()
    if found:
        return f"{'Chromium':<11} {found}"
    outcome = "fail (CI)" if services.services_required() else "skip"
    return f"{'Chromium':<11} MISSING — browser tests {outcome}: {chromium.HOW_TO_GET}"


def _where(url: str) -> str:
    return url.split("@", 1)[-1].split("://", 1)[-1]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
