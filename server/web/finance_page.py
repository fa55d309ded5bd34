"""Page: the finance console (`/finance`) — partner balances, reconciliation, settlement runs,
CSV exports and a settle button. Signs in with the `zx_token` cookie set by `/signin`."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.datastructures import State
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.connect import ConnectGateway
from commission.services.reports_service import ReportsService, period
from commission.settlement import SettleRequest, settle
from server.kernel.clock import utcnow
from server.kernel.currency import format_minor
from server.kernel.principal import Role
from server.kernel.problems import Problem
from server.kernel.routing import roles

FINANCE = roles(Role.ADMIN, Role.FINANCE)


def _balances_table(found: dict[ledger.AccountKey, int]) -> list[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, amount in found.items():
        row = rows.setdefault(
            (key.owner_id, key.currency),
            {
                "partner_id": key.owner_id,
                "currency": key.currency,
                "pending": 0,
                "available": 0,
                "in_flight": 0,
                "paid": 0,
            },
        )
        row[key.kind] = amount
    return sorted(rows.values(), key=lambda r: (-r["available"], r["partner_id"]))[:200]


@get("/finance", include_in_schema=False, opt=FINANCE)
async def finance_page(
    db: AsyncSession, state: State, since: str | None = None, until: str | None = None, message: str | None = None
) -> Template:
    start, end = period(since, until)
    gateway = ConnectGateway(state.settings) if state.settings.stripe_api_key else None
    service = ReportsService(db)
    report = await service.reconciliation(start, end, gateway)
    balances = _balances_table(await ledger.kept_balances(db, owner_type="partner"))
    return Template(
        "finance.html",
        context={
            "report": report,
            "balances": balances,
            "runs": await service.recent_runs(10),
            "message": message,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "money": format_minor,
            "disputes_api": "/api/v1/finance/disputes",
        },
    )


@post("/finance/settle", include_in_schema=False, opt=FINANCE, status_code=303)
async def finance_settle(state: State) -> Redirect:
    try:
        report = await settle(state.sessionmaker, ConnectGateway(state.settings), SettleRequest(as_of=utcnow()))
        message = (
            f"Run {report.run_id}: {len(report.payouts)} payouts, {len(report.skipped)} skipped, "
            f"{len(report.still_in_flight)} still in flight"
        )
    except Problem as exc:
        message = f"Settlement not run: {exc.detail}"
    return Redirect("/finance", query_params={"message": message}, status_code=303)


ROUTE_HANDLERS: list[Any] = [finance_page, finance_settle]
