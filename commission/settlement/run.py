"""Running a settlement: release, plan (phase 1), send transfers and record them (phase 2)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway, TransferOutcome
from commission.models import Payout, PayoutState, SettlementRun
from commission.release import release_matured
from commission.settlement.plan import SettleRequest, plan_run, validate_request
from commission.settlement.record import record_outcomes
from server.kernel.clock import utcnow

CONCURRENCY = 16
RECORD_BATCH = 500
Progress = Callable[[int], None]
Phase = Callable[[str], None]


@dataclass
class SettlementReport:
    run_id: str
    as_of: str
    released_orders: int = 0
    payouts: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    still_in_flight: list[dict[str, Any]] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    planned: list[dict[str, Any]] = field(default_factory=list)  # this run's new payouts, as decided
    plan_fingerprint: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


async def settle(
    maker: async_sessionmaker[AsyncSession],
    gateway: ConnectGateway,
    request: SettleRequest,
    *,
    on_planned: Callable[[int], None] | None = None,
    progress: Progress | None = None,
    phase: Phase | None = None,
) -> SettlementReport:
    clock = time.perf_counter()
    say = phase or (lambda _: None)
    say("releasing")
    async with maker() as session:
        scope = await validate_request(session, request)
        released = await release_matured(session, request.as_of)
        await session.commit()
    released_at = time.perf_counter()
    say("planning")
    async with maker() as session:
        plan = await plan_run(session, request, scope)
        await session.commit()
    report = SettlementReport(plan.run.id, request.as_of.isoformat(), released.orders, skipped=plan.skipped)
    report.planned, report.plan_fingerprint = plan.decision.planned_rows(), plan.decision.fingerprint()
    pending = await _in_flight_payouts(maker, scope)
    planned_at = time.perf_counter()
    if on_planned is not None:
        on_planned(len(pending))
    say("sending")
    outcomes = await _send_all(maker, gateway, pending, progress)
    report.timings_s = {
        "release": round(released_at - clock, 2),
        "plan": round(planned_at - released_at, 2),
        "transfers": round(time.perf_counter() - planned_at, 2),
    }
    report.payouts = [_row(p, outcomes.get(p.id)) for p in pending if outcomes.get(p.id) and not outcomes[p.id].unknown]
    report.still_in_flight = [_row(p, o) for p in pending if (o := outcomes.get(p.id)) is None or o.unknown]
    say("finishing")
    await _finish(maker, plan.run.id, report)
    return report


async def _in_flight_payouts(maker: async_sessionmaker[AsyncSession], scope: list[str] | None) -> list[Payout]:
    """This run's payouts and any left in flight by an earlier, interrupted run."""
    async with maker() as session:
        stmt = select(Payout).where(Payout.state == PayoutState.IN_FLIGHT).order_by(col(Payout.id))
        if scope is not None:
            stmt = stmt.where(col(Payout.partner_id).in_(scope))
        return list((await session.exec(stmt)).all())


async def _send_all(
    maker: async_sessionmaker[AsyncSession],
    gateway: ConnectGateway,
    payouts: Sequence[Payout],
    progress: Progress | None,
) -> dict[str, TransferOutcome]:
    outcomes: dict[str, TransferOutcome] = {}
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(payout: Payout) -> TransferOutcome:
        async with gate:
            outcome = await gateway.transfer(
                payout.id,
                payout.amount_minor,
                payout.currency,
                payout.stripe_account_id,
                payout.run_id,
                payout.partner_id,
            )
        if progress is not None:
            progress(1)
        return outcome

    recording: asyncio.Task[None] | None = None
    for start in range(0, len(payouts), RECORD_BATCH):
        chunk = payouts[start : start + RECORD_BATCH]
        results = await asyncio.gather(*(send(p) for p in chunk))
        # recorded batch by batch (a crash loses at most one batch of bookkeeping: resent, never re-paid),
        # while the next batch is being sent
        if recording is not None:
            await recording
        recording = asyncio.create_task(record_outcomes(maker, {p.id: p for p in chunk}, results))
        outcomes.update((o.payout_id, o) for o in results)
    if recording is not None:
        await recording
    return outcomes


def _row(payout: Payout, outcome: TransferOutcome | None) -> dict[str, Any]:
    row = {
        "payout_id": payout.id,
        "partner_id": payout.partner_id,
        "currency": payout.currency,
        "amount_minor": payout.amount_minor,
        "run_id": payout.run_id,
    }
    if outcome is not None:
        row.update(transfer_id=outcome.transfer_id, failure_reason=outcome.refused, error=outcome.unknown)
    return row


async def _finish(maker: async_sessionmaker[AsyncSession], run_id: str, report: SettlementReport) -> None:
    async with maker() as session:
        run = await session.get(SettlementRun, run_id)
        if run is not None:
            run.state = "incomplete" if report.still_in_flight else "finished"
            run.finished_at = utcnow()
            run.summary = {
                "released_orders": report.released_orders,
                "payouts": len(report.payouts),
                "skipped": report.skipped[:1000],
                "still_in_flight": len(report.still_in_flight),
            }
            session.add(run)
            await session.commit()
