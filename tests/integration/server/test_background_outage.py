"""With the database away, the background loops that share the pool (the outbox dispatcher and
the periodic jobs) log once and try further and further apart — no tight loop that floods the
log and stampedes the database the moment it is back."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from server.events import OutboxDispatcher
from server.kernel.db import make_engine, make_sessionmaker
from server.kernel.periodic import periodic
from tests.waiting import eventually

pytestmark = pytest.mark.integration
CLOSED_PORT_URL = "postgresql://postgres@127.0.0.1:1/test"
TRIES = 5


async def _until(condition: Callable[[], bool], within_s: float = 15.0) -> None:
    await eventually(condition, within_s)


def _failing_lines(logs: list[dict[str, Any]]) -> int:
    return sum(1 for entry in logs if entry["event"] == "background work failing")


async def test_the_outbox_dispatcher_backs_off_and_logs_once_while_the_database_is_away():
    sessionmaker = make_sessionmaker(make_engine(CLOSED_PORT_URL))
    tries: list[float] = []

    def counting_maker() -> Any:
        tries.append(time.monotonic())
        return sessionmaker()

    dispatcher = OutboxDispatcher(counting_maker, {}, poll_interval_s=0.2)  # type: ignore[arg-type]
    with capture_logs() as logs:
        dispatcher.start()
        await _until(lambda: len(tries) >= TRIES)
        with pytest.raises(ConnectionRefusedError):
            await dispatcher.stop()  # the final drain cannot reach the database either
    # Waits of at least 0.2, 0.4, 0.8, 1.6 s (jittered doubling); a 0.2 s poll would take 0.8 s.
    assert tries[TRIES - 1] - tries[0] >= 2.5
    assert _failing_lines(logs) == 1


async def test_a_periodic_job_backs_off_and_logs_once_while_failing():
    runs: list[float] = []

    async def job(app: Any) -> None:
        runs.append(time.monotonic())
        raise ConnectionRefusedError(111, "refused")

    lifespan = periodic("test-job", lambda app: 0.1, job)
    with capture_logs() as logs:
        async with lifespan(object()):
            await _until(lambda: len(runs) >= TRIES)
    assert runs[TRIES - 1] - runs[0] >= 1.2  # 0.1 s apart would be 0.4 s
    assert _failing_lines(logs) == 1
