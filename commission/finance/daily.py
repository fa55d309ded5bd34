"""Partner commission per day (UTC) and currency: accrued, reversed (refunds, lost disputes) and
paid out (transfers Stripe confirmed), for the finance desk's chart and its CSV."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Kind, Reason
from commission.models import JournalTransaction, LedgerAccount, LedgerEntry
from server.kernel.db import is_postgres

# (reason, account kind) → (series, sign): each flow counted once, on the account it lands in
SERIES: dict[tuple[str, str], tuple[str, int]] = {
    (Reason.ACCRUED.value, Kind.PENDING.value): ("accrued_minor", 1),
    (Reason.REVERSED.value, Kind.PENDING.value): ("reversed_minor", -1),
    (Reason.REVERSED.value, Kind.AVAILABLE.value): ("reversed_minor", -1),
    (Reason.DISPUTE_LOST.value, Kind.DISPUTED.value): ("reversed_minor", -1),
    (Reason.DISPUTE_LOST.value, Kind.PENDING.value): ("reversed_minor", -1),
    (Reason.DISPUTE_LOST.value, Kind.AVAILABLE.value): ("reversed_minor", -1),
    (Reason.PAYOUT_SENT.value, Kind.PAID.value): ("paid_minor", 1),
}
DAILY_COLUMNS = ["day", "currency", "accrued_minor", "reversed_minor", "paid_minor"]


def _day(session: AsyncSession) -> Any:
    at = col(JournalTransaction.effective_at)
    if is_postgres(session):
        return sa.func.to_char(sa.func.timezone("UTC", at), "YYYY-MM-DD")
    return sa.func.substr(sa.cast(at, sa.String), 1, 10)  # SQLite keeps UTC text


async def daily_commission(
    session: AsyncSession, scope: list[str] | None, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    day = _day(session).label("day")
    stmt = (
        select(  # type: ignore[call-overload]
            day,
            LedgerAccount.currency,
            JournalTransaction.reason,
            LedgerAccount.kind,
            sa.func.sum(LedgerEntry.amount_minor),
        )
        .join(LedgerEntry, col(LedgerEntry.transaction_id) == col(JournalTransaction.id))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
        .where(
            LedgerAccount.owner_type == "partner",
            col(JournalTransaction.reason).in_({r for r, _ in SERIES}),
            JournalTransaction.effective_at >= since,
            JournalTransaction.effective_at < until,
        )
        .group_by(day, LedgerAccount.currency, JournalTransaction.reason, LedgerAccount.kind)
    )
    if scope is not None:
        stmt = stmt.where(col(LedgerAccount.owner_id).in_(scope))
    days: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for when, currency, reason, kind, amount in (await session.exec(stmt)).all():
        series = SERIES.get((reason, kind))
        if series is None:
            continue
        row = days[(str(when), currency)] or {
            "day": str(when),
            "currency": currency,
            **dict.fromkeys(DAILY_COLUMNS[2:], 0),
        }
        row[series[0]] += series[1] * int(amount)
        days[(str(when), currency)] = row
    return [days[k] for k in sorted(days)]
