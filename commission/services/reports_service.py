"""Statements, reconciliation and their CSV exports, for the API and the finance page."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.models import SettlementRun
from commission.reports.flows import LinesCursor, statement_lines, stream_lines
from commission.reports.reconciliation import reconcile
from commission.reports.release_terms import TERMS, with_release_terms
from commission.reports.schemas import (
    BrandStatementPublic,
    BrandStatementSummaryPublic,
    PartnerStatementPublic,
    PartnerStatementSummaryPublic,
    ReconciliationPublic,
    SettlementRunPublic,
    StatementLinePublic,
)
from commission.reports.statements import brand_statement, brand_summary, partner_statement, partner_summary
from commission.time_params import parse_time
from server.kernel.clock import utcnow
from server.kernel.pagination import Page, fetch_page
from server.kernel.problems import InvalidInput

DEFAULT_PERIOD = timedelta(days=30)
MAX_PERIOD = timedelta(days=3660)
LINE_COLUMNS = [
    "effective_at",
    "transaction_id",
    "reason",
    "external_ref",
    "account",
    "currency",
    "amount_minor",
    *TERMS,  # an accrual's release condition (commission/reports/release_terms.py)
]
MAX_LINES_PER_PAGE = 1000


def period(since: str | None, until: str | None) -> tuple[datetime, datetime]:
    """[since, until); defaults to the last 30 days. 422 when malformed or reversed."""
    end = parse_time("until", until) or utcnow()
    start = parse_time("since", since) or end - DEFAULT_PERIOD
    if start >= end:
        raise InvalidInput(
            "since must be before until", extra={"errors": [{"field": "since", "message": "after until"}]}
        )
    if end - start > MAX_PERIOD:
        raise InvalidInput(
            "a period may span at most 10 years", extra={"errors": [{"field": "since", "message": "too long"}]}
        )
    return start, end


def to_csv(rows: Iterable[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()


def check_lines_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LINES_PER_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_LINES_PER_PAGE}", extra={"errors": [{"field": "limit"}]})
    return limit


async def stream_csv(
    maker: async_sessionmaker[AsyncSession],
    owner_type: str,
    owner_id: str,
    since: datetime,
    until: datetime,
    head: list[dict[str, Any]] | None = None,
    tail: list[dict[str, Any]] | None = None,
    page: int = 2000,
) -> AsyncIterator[str]:
    """A statement's CSV written as its lines are read through a server-side cursor, a page at a
    time, in a session of its own (the request's is gone once the response starts): memory holds
    one page, whatever the period."""
    yield to_csv(head or [], LINE_COLUMNS)
    # each page's release terms in a second session: the first is busy with its server-side cursor
    async with maker() as session, maker() as terms:
        async for lines in stream_lines(session, owner_type, owner_id, since, until, page):
            await with_release_terms(terms, lines)
            yield to_csv(lines, LINE_COLUMNS).split("\n", 1)[1]
    if tail:
        yield to_csv(tail, LINE_COLUMNS).split("\n", 1)[1]


class ReportsService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def partner_summary(self, partner_id: str, since: datetime, until: datetime) -> PartnerStatementSummaryPublic:
        return PartnerStatementSummaryPublic.model_validate(
            await partner_summary(self.session, partner_id, since, until)
        )

    async def brand_summary(self, brand_id: str, since: datetime, until: datetime) -> BrandStatementSummaryPublic:
        return BrandStatementSummaryPublic.model_validate(await brand_summary(self.session, brand_id, since, until))

    async def lines(
        self, owner_type: str, owner_id: str, since: datetime, until: datetime, cursor: str | None, limit: int
    ) -> Page[StatementLinePublic]:
        """A page of the owner's statement lines, oldest first; `next_cursor` continues it."""
        after = LinesCursor.decode(cursor) if cursor else None
        found, nxt = await statement_lines(
            self.session, owner_type, owner_id, since, until, after, check_lines_limit(limit)
        )
        items = [StatementLinePublic.model_validate(line) for line in found]
        return Page(items=items, next_cursor=nxt.encode() if nxt else None)

    async def statement_rows(
        self, owner_type: str, owner_id: str, since: datetime, until: datetime
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The statement CSV's opening rows and closing rows (its lines stream between them): a
        partner's balance owed at either end; a brand's statement has none."""
        if owner_type != "partner":
            return [], []
        summary = await partner_summary(self.session, owner_id, since, until)
        return _balance_rows(summary, "since", "opening_balance", "opening_owed_minor"), _balance_rows(
            summary, "until", "closing_balance", "closing_owed_minor"
        )

    async def partner_statement(self, partner_id: str, since: datetime, until: datetime) -> PartnerStatementPublic:
        return PartnerStatementPublic.model_validate(await partner_statement(self.session, partner_id, since, until))

    async def brand_statement(self, brand_id: str, since: datetime, until: datetime) -> BrandStatementPublic:
        return BrandStatementPublic.model_validate(await brand_statement(self.session, brand_id, since, until))

    async def reconciliation(
        self, since: datetime, until: datetime, gateway: ConnectGateway | None
    ) -> ReconciliationPublic:
        return ReconciliationPublic.model_validate(await reconcile(self.session, since, until, gateway))

    async def reconciliation_csv(self, since: datetime, until: datetime, gateway: ConnectGateway | None) -> str:
        report = await reconcile(self.session, since, until, gateway)
        rows = [
            {"section": "orders", "check": "paid orders less refunds = brand net + commissions + fee", **r}
            for r in report["orders"]
        ]
        rows += [
            {
                "section": "commission",
                "check": "accrued less reversed plus PK bonuses = pending + available + in flight + paid",
                **r,
            }
            for r in report["commission"]
        ]
        rows += [
            {
                "section": m["section"],
                "check": "mismatch",
                "currency": m.get("currency"),
                "detail": m["reason"],
                "payout_id": m.get("payout_id"),
                "transfer_id": m.get("transfer_id"),
            }
            for m in report["mismatches"]
        ]
        columns = [
            "section",
            "check",
            "currency",
            "paid_orders_minor",
            "refunds_minor",
            "brand_net_minor",
            "commissions_minor",
            "platform_fee_minor",
            "accrued_minor",
            "reversed_minor",
            "pk_bonus_minor",
            "pk_bonus_reversed_minor",
            "frozen_pk_prizes_minor",
            "pending_minor",
            "available_minor",
            "in_flight_minor",
            "paid_minor",
            "payout_id",
            "transfer_id",
            "detail",
        ]
        return to_csv(rows, columns)

    async def runs(self, cursor: str | None, limit: int) -> Page[SettlementRunPublic]:
        """Settlement runs, newest first."""
        stmt = select(SettlementRun)
        rows, nxt = await fetch_page(self.session, stmt, col(SettlementRun.id), cursor, limit, newest_first=True)
        return Page(items=[SettlementRunPublic.model_validate(r, from_attributes=True) for r in rows], next_cursor=nxt)

    async def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        stmt = select(SettlementRun).order_by(col(SettlementRun.id).desc()).limit(limit)
        return [r.model_dump(mode="json") for r in (await self.session.exec(stmt)).all()]


def _balance_rows(summary: dict[str, Any], at: str, reason: str, field: str) -> list[dict[str, Any]]:
    return [
        {
            "effective_at": summary[at],
            "reason": reason,
            "account": "owed",
            "currency": c["currency"],
            "amount_minor": c[field],
        }
        for c in summary["currencies"]
    ]
