"""Running settlement jobs in the background of the worker that started them.

The request that starts a settlement only claims the job row and returns (202); the run is a
task on the worker's event loop that reports its phase and progress to the row once a second and
its result when it ends. On shutdown the worker waits a while for a running settlement, then
cancels it: the job is marked interrupted and the payouts it left in flight are resent, with the
same idempotency keys, by the next run."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.models import JobState, SettlementJob
from commission.settlement.jobs import INTERRUPTED, Progress, beat, finish, request_of
from commission.settlement.run import settle
from server.kernel.problems import Problem

log = structlog.get_logger("settlement.jobs")
HEARTBEAT_S = 1.0
STATE_KEY = "settlement_jobs"


class SettlementJobs:
    """The settlement tasks of this worker."""

    def __init__(self, maker: async_sessionmaker[AsyncSession], shutdown_wait_s: float = 20.0) -> None:
        self.maker = maker
        self.shutdown_wait_s = shutdown_wait_s
        self.tasks: set[asyncio.Task[None]] = set()

    def launch(self, job: SettlementJob, gateway: ConnectGateway) -> None:
        task = asyncio.create_task(self._run(job, gateway), name=f"settlement-job:{job.id}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _run(self, job: SettlementJob, gateway: ConnectGateway) -> None:
        progress = Progress()
        heart = asyncio.create_task(self._beat(job.id, progress))
        try:
            report = await settle(
                self.maker,
                gateway,
                request_of(job),
                on_planned=lambda total: setattr(progress, "total", total),
                progress=lambda n: setattr(progress, "done", progress.done + n),
                phase=lambda name: setattr(progress, "phase", name),
            )
            state = JobState.INCOMPLETE if report.still_in_flight else JobState.FINISHED
            await finish(self.maker, job.id, state, progress, report.as_dict())
        except Problem as exc:
            await finish(self.maker, job.id, JobState.FAILED, progress, error=str(exc.detail))
        except asyncio.CancelledError:
            await asyncio.shield(finish(self.maker, job.id, JobState.INTERRUPTED, progress, error=INTERRUPTED))
            raise
        except Exception as exc:  # reported on the job, where finance looks; the log has the stack
            log.exception("settlement job failed", job_id=job.id)
            await finish(self.maker, job.id, JobState.FAILED, progress, error=f"{type(exc).__name__}: {exc}")
        finally:
            heart.cancel()

    async def _beat(self, job_id: str, progress: Progress) -> None:
        while True:
            try:
                await beat(self.maker, job_id, progress)
            except Exception as exc:  # a missed beat only makes the page's progress older
                log.warning("settlement job heartbeat failed", job_id=job_id, error=str(exc))
            await asyncio.sleep(HEARTBEAT_S)

    async def stop(self) -> None:
        """Wait a while for running settlements, then cancel them (marked interrupted). A task of
        another event loop (a test client serving on one loop, its lifespan on another) is only
        asked to cancel: it cannot be awaited from here."""
        here = asyncio.get_running_loop()
        mine = {t for t in self.tasks if t.get_loop() is here}
        for task in self.tasks - mine:
            if not task.get_loop().is_closed():
                task.get_loop().call_soon_threadsafe(task.cancel)
        if not mine:
            return
        _, still = await asyncio.wait(mine, timeout=self.shutdown_wait_s)
        for task in still:
            task.cancel()
        if still:
            await asyncio.wait(still, timeout=5)


def jobs_of(state: Any) -> SettlementJobs:
    """The worker's job runner (made on first use when the lifespan has not made it)."""
    runner = state.get(STATE_KEY) if hasattr(state, "get") else None
    if runner is None:
        runner = SettlementJobs(state.sessionmaker)
        state[STATE_KEY] = runner
    return runner


@contextlib.asynccontextmanager
async def settlement_jobs_lifespan(app: Any) -> AsyncIterator[None]:
    runner = jobs_of(app.state)
    try:
        yield
    finally:
        await runner.stop()
