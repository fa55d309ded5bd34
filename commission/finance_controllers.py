"""HTTP API of the finance desk (finance and admin tokens only): the settlement preview and the
settlement jobs that run in the background, partner balances by name with their clawbacks,
payouts with their transfers, commission per day, and a CSV export of each."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.datastructures import State
from litestar.params import Parameter
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.finance.balances import BALANCE_COLUMNS, balance_csv_rows
from commission.finance.daily import DAILY_COLUMNS
from commission.finance.payouts import PAYOUT_COLUMNS, PayoutFilter
from commission.finance.schemas import (
    DailyCommissionPublic,
    PartnerBalancePublic,
    PayoutPublic,
    SettlementJobPublic,
    SettlementPreviewPublic,
)
from commission.finance.service import FinanceDeskService, preview_request, settlement_preview
from commission.models import SettlementRun
from commission.schemas import SettlementCreate
from commission.services.reports_service import period, to_csv
from commission.settlement import SettleRequest
from commission.settlement.job_runner import jobs_of
from commission.settlement.jobs import SettlementRunning, get_job, list_jobs, start_job
from commission.time_params import parse_time
from server.kernel.clock import as_utc
from server.kernel.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.problems import InvalidInput, NotFound, ServiceUnavailable
from server.kernel.routing import roles

FINANCE = roles(Role.ADMIN, Role.FINANCE)
CSV_PAGES = 500  # an export walks at most this many pages of MAX_LIMIT rows
PREVIEW_COLUMNS = ["partner_id", "partner_name", "currency", "amount_minor", "outcome", "reason_code", "reason"]
RUN_COLUMNS = ["id", "as_of", "brand_id", "state", "payouts", "skipped", "still_in_flight", "started_at", "finished_at"]


async def start_settlement(state: State, data: SettlementCreate, principal: Principal) -> SettlementJobPublic:
    """Claim the job (422 on bad input, 409 while one runs) and run it in this worker's background."""
    gateway = ConnectGateway(state.settings)  # 503 at once when Stripe is not configured
    request = SettleRequest(
        as_of=as_utc(data.as_of),
        brand_id=data.brand_id,
        partner_ids=data.partner_ids,
        currency=data.currency,
        expected_plan=data.expected_plan,
    )
    job = await start_job(state.sessionmaker, request, principal.token_id)
    jobs_of(state).launch(job, gateway)
    async with state.sessionmaker() as session:
        return await FinanceDeskService(session).job(job)


class FinanceDeskController(Controller):
    path = "/api/v1/finance"
    tags = ["finance"]

    @get("/settlement-preview", opt=FINANCE, raises=[InvalidInput])
    async def preview(
        self, state: State, as_of: str | None = None, brand_id: str | None = None, currency: str | None = None
    ) -> SettlementPreviewPublic:
        """The plan a settlement would execute now: each partner's payout, or why it is skipped."""
        return await settlement_preview(state.sessionmaker, preview_request(as_of, brand_id, currency))

    @get("/settlement-preview.csv", opt=FINANCE, media_type="text/csv", raises=[InvalidInput])
    async def preview_csv(
        self, state: State, as_of: str | None = None, brand_id: str | None = None, currency: str | None = None
    ) -> str:
        plan = await settlement_preview(state.sessionmaker, preview_request(as_of, brand_id, currency))
        names = plan.partner_names
        rows = [{**p.model_dump(), "outcome": "pay"} for p in plan.payouts]
        rows += [{**s.model_dump(), "amount_minor": s.available_minor, "outcome": "skip"} for s in plan.skipped]
        return to_csv(({**r, "partner_name": names.get(r["partner_id"], "")} for r in rows), PREVIEW_COLUMNS)

    @post(
        "/settlement-jobs",
        opt=FINANCE,
        status_code=202,
        raises=[InvalidInput, SettlementRunning, ServiceUnavailable],
        summary="Start a settlement in the background; follow it at /settlement-jobs/{job_id}",
    )
    async def start(self, data: SettlementCreate, state: State, principal: Principal) -> SettlementJobPublic:
        return await start_settlement(state, data, principal)

    @get("/settlement-jobs", opt=FINANCE)
    async def jobs(
        self, db: AsyncSession, cursor: str | None = None, limit: int = DEFAULT_LIMIT
    ) -> Page[SettlementJobPublic]:
        """Settlement jobs, newest first (`limit=1`: the latest, to follow it after a reload)."""
        rows, nxt = await list_jobs(db, cursor, limit)
        service = FinanceDeskService(db)
        return Page(items=[await service.job(j) for j in rows], next_cursor=nxt)

    @get("/settlement-jobs/{job_id:str}", opt=FINANCE, raises=[NotFound])
    async def job(self, job_id: str, db: AsyncSession) -> SettlementJobPublic:
        return await FinanceDeskService(db).job(await get_job(db, job_id))

    @get("/balances", opt=FINANCE)
    async def balances(self, db: AsyncSession, brand_id: str | None = None) -> Page[PartnerBalancePublic]:
        """Every partner's balance per currency, by name; a negative one with its clawback's cause."""
        rows = await FinanceDeskService(db).balances(brand_id)
        return Page(items=[PartnerBalancePublic.model_validate(r) for r in rows], next_cursor=None)

    @get("/balances.csv", opt=FINANCE, media_type="text/csv")
    async def balances_csv(self, db: AsyncSession, brand_id: str | None = None) -> str:
        return to_csv(balance_csv_rows(await FinanceDeskService(db).balances(brand_id)), BALANCE_COLUMNS)

    @get("/payouts", opt=FINANCE, raises=[InvalidInput])
    async def payouts(
        self,
        db: AsyncSession,
        run_id: str | None = None,
        partner_id: str | None = None,
        brand_id: str | None = None,
        payout_state: Annotated[str | None, Parameter(query="state")] = None,
        since: str | None = None,
        until: str | None = None,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[PayoutPublic]:
        """Payouts newest first, each with its Stripe transfer id and destination account."""
        wanted = _filter(run_id, partner_id, payout_state, since, until)
        rows, nxt = await FinanceDeskService(db).payouts(wanted, brand_id, cursor, limit)
        return Page(items=[PayoutPublic.model_validate(r) for r in rows], next_cursor=nxt)

    @get("/payouts.csv", opt=FINANCE, media_type="text/csv", raises=[InvalidInput])
    async def payouts_csv(
        self,
        db: AsyncSession,
        run_id: str | None = None,
        partner_id: str | None = None,
        brand_id: str | None = None,
        payout_state: Annotated[str | None, Parameter(query="state")] = None,
        since: str | None = None,
        until: str | None = None,
    ) -> str:
        service, rows, cursor = FinanceDeskService(db), [], None
        for _ in range(CSV_PAGES):
            page, cursor = await service.payouts(
                _filter(run_id, partner_id, payout_state, since, until), brand_id, cursor, MAX_LIMIT
            )
            rows.extend(page)
            if cursor is None:
                break
        return to_csv(rows, PAYOUT_COLUMNS)

    @get("/daily", opt=FINANCE, raises=[InvalidInput])
    async def daily(
        self, db: AsyncSession, since: str | None = None, until: str | None = None, brand_id: str | None = None
    ) -> DailyCommissionPublic:
        """Partner commission accrued, reversed and paid out per day (UTC) and currency."""
        start, end = period(since, until)
        days = await FinanceDeskService(db).daily(brand_id, start, end)
        return DailyCommissionPublic(since=start.isoformat(), until=end.isoformat(), days=days)

    @get("/daily.csv", opt=FINANCE, media_type="text/csv", raises=[InvalidInput])
    async def daily_csv(
        self, db: AsyncSession, since: str | None = None, until: str | None = None, brand_id: str | None = None
    ) -> str:
        return to_csv(await FinanceDeskService(db).daily(brand_id, *period(since, until)), DAILY_COLUMNS)

    @get("/settlements.csv", opt=FINANCE, media_type="text/csv")
    async def runs_csv(self, db: AsyncSession) -> str:
        stmt = select(SettlementRun).order_by(col(SettlementRun.id).desc()).limit(MAX_LIMIT * CSV_PAGES)
        return to_csv((_run_row(r) for r in (await db.exec(stmt)).all()), RUN_COLUMNS)


def _filter(
    run_id: str | None, partner_id: str | None, state: str | None, since: str | None, until: str | None
) -> PayoutFilter:
    return PayoutFilter(
        run_id=run_id or None,
        partner_ids=[partner_id] if partner_id else None,
        state=state or None,
        since=parse_time("since", since),
        until=parse_time("until", until),
    )


def _run_row(run: SettlementRun) -> dict[str, Any]:
    summary = run.summary or {}
    return {
        "id": run.id,
        "as_of": run.as_of.isoformat(),
        "brand_id": run.brand_id or "",
        "state": run.state,
        "payouts": summary.get("payouts", 0),
        "skipped": len(summary.get("skipped") or []),
        "still_in_flight": summary.get("still_in_flight", 0),
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else "",
    }


ROUTE_HANDLERS: list[Any] = [FinanceDeskController]
