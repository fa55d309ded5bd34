"""What a brand's and a partner's statement endpoints share, with the scope as an argument: the
caller's access to the owner, a page of the owner's lines, and the CSV streamed as it is read."""

from __future__ import annotations

from typing import Literal

from litestar.datastructures import State
from litestar.response import Stream
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.reports.schemas import StatementLinePublic
from commission.services.reports_service import ReportsService, period, stream_csv
from commission.services.statement_exports import ensure_direct
from server.kernel.pagination import Page
from server.kernel.principal import Principal

Scope = Literal["brand", "partner"]


def ensure_owner(principal: Principal, scope: Scope, owner_id: str) -> None:
    """A brand sees only its own statement, a partner only its own (others are 404)."""
    if scope == "brand":
        principal.ensure_brand(owner_id)
    else:
        principal.ensure_partner(owner_id)


async def lines_page(
    db: AsyncSession,
    principal: Principal,
    scope: Scope,
    owner_id: str,
    period_text: tuple[str | None, str | None],
    cursor: str | None,
    limit: int,
) -> Page[StatementLinePublic]:
    ensure_owner(principal, scope, owner_id)
    return await ReportsService(db).lines(scope, owner_id, *period(*period_text), cursor, limit)


async def csv_stream(
    db: AsyncSession,
    principal: Principal,
    state: State,
    scope: Scope,
    owner_id: str,
    period_text: tuple[str | None, str | None],
) -> Stream:
    """The statement's CSV (a range too large for one response is refused, naming the export job);
    a partner's opens and closes with the balance owed (a brand's has none)."""
    ensure_owner(principal, scope, owner_id)
    start, end = period(*period_text)
    await ensure_direct(db, scope, owner_id, start, end)  # larger: POST …/statement-exports (a background job)
    head, tail = await ReportsService(db).statement_rows(scope, owner_id, start, end)
    rows = stream_csv(state.sessionmaker, scope, owner_id, start, end, head, tail)
    return Stream(rows, media_type="text/csv")
