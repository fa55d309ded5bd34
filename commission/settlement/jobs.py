"""Settlement jobs in the database: start one (at most one runs at a time, across workers), record
its phase and progress while it runs, and its result when it ends.

A job's worker writes a heartbeat every second; a job whose heartbeat is older than `STALE_AFTER`
lost its worker (killed, redeployed) and is marked *interrupted* when next looked at, which frees
the slot for a new run. Money is never at stake here: the run itself is crash-safe (see
`commission.settlement`), and the next run resends whatever the lost one left in flight."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JobState, SettlementJob
from commission.settlement.plan import SettleRequest, validate_request
from server.kernel.clock import as_utc, utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.problems import Conflict, NotFound

STALE_AFTER = timedelta(seconds=30)
INTERRUPTED = "its worker stopped during the run; settle again to finish any payout left in flight"


class SettlementRunning(Conflict):
    slug, title = "settlement-running", "A settlement is already running"


@dataclass
class Progress:
    phase: str = "queued"
    done: int = 0
    total: int = 0


def request_json(request: SettleRequest) -> dict[str, Any]:
    return {
        "as_of": request.as_of.isoformat(),
        "brand_id": request.brand_id,
        "partner_ids": request.partner_ids,
        "currency": request.currency,
        "expected_plan": request.expected_plan,
    }


def request_of(job: SettlementJob) -> SettleRequest:
    data = job.request
    return SettleRequest(
        as_of=as_utc(datetime.fromisoformat(data["as_of"])),
        brand_id=data.get("brand_id"),
        partner_ids=data.get("partner_ids"),
        currency=data.get("currency"),
        expected_plan=data.get("expected_plan"),
    )


async def start_job(
    maker: async_sessionmaker[AsyncSession], request: SettleRequest, created_by: str | None
) -> SettlementJob:
    """Validate (422), then claim the one running slot (409 while another job holds it)."""
    async with maker() as session:
        await validate_request(session, request)
        await expire_stale(session)
        running = await _running(session)
        if running is not None:
            raise _busy(running)
        job = SettlementJob(id=new_id("stj"), request=request_json(request), created_by=created_by)
        session.add(job)
        try:
            await session.commit()
        except IntegrityError:  # another worker claimed the slot between our check and our insert
            await session.rollback()
            running = await _running(session)
            raise _busy(running) from None
        await session.refresh(job)
        return job


def _busy(running: SettlementJob | None) -> SettlementRunning:
    ident = running.id if running else "another job"
    return SettlementRunning(
        f"settlement job {ident} is still running: follow it, or wait until it ends",
        extra={"job_id": running.id if running else None},
    )


async def _running(session: AsyncSession) -> SettlementJob | None:
    stmt = sa.select(SettlementJob).where(col(SettlementJob.running_slot).is_not(None))
    return (await session.execute(stmt)).scalars().first()


async def expire_stale(session: AsyncSession) -> None:
    """Mark interrupted the running job whose worker stopped beating (and commit)."""
    stmt = (
        sa.update(SettlementJob)
        .where(col(SettlementJob.running_slot).is_not(None), col(SettlementJob.heartbeat_at) < utcnow() - STALE_AFTER)
        .values(state=JobState.INTERRUPTED.value, running_slot=None, finished_at=utcnow(), error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    if (await session.execute(stmt)).rowcount:  # type: ignore[attr-defined]
        await session.commit()


async def beat(maker: async_sessionmaker[AsyncSession], job_id: str, progress: Progress) -> None:
    async with maker() as session:
        await session.execute(
            sa.update(SettlementJob)
            .where(col(SettlementJob.id) == job_id, col(SettlementJob.running_slot).is_not(None))
            .values(
                heartbeat_at=utcnow(), phase=progress.phase, progress_done=progress.done, progress_total=progress.total
            )
        )
        await session.commit()


async def finish(
    maker: async_sessionmaker[AsyncSession],
    job_id: str,
    state: JobState,
    progress: Progress,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    async with maker() as session:
        values: dict[str, Any] = {
            "state": state.value,
            "running_slot": None,
            "phase": "done",
            "progress_done": progress.done,
            "progress_total": progress.total,
            "finished_at": utcnow(),
            "heartbeat_at": utcnow(),
            "error": error[:500] if error else None,
        }
        if result is not None:
            values.update(result=result, run_id=result.get("run_id"))
        await session.execute(sa.update(SettlementJob).where(col(SettlementJob.id) == job_id).values(**values))
        await session.commit()


async def get_job(session: AsyncSession, job_id: str) -> SettlementJob:
    await expire_stale(session)
    job = await session.get(SettlementJob, job_id)
    if job is None:
        raise NotFound.of("settlement job", job_id)
    return job


async def list_jobs(session: AsyncSession, cursor: str | None, limit: int) -> tuple[list[SettlementJob], str | None]:
    await expire_stale(session)
    rows, nxt = await fetch_page(
        session, select(SettlementJob), col(SettlementJob.id), cursor, limit, newest_first=True
    )
    return list(rows), nxt
