"""What a batch of postings adds to the kept totals, and adding it.

PostgreSQL adds it inside the posting's own statement (`commission.ledger.post_pg.POST_PG`, from the arrays
built here); SQLite by an upsert per row. Either way the rows are incremented in one fixed order
(account, day, reason), so two concurrent postings wait for each other instead of deadlocking, and
`ON CONFLICT DO UPDATE` adds to the row as committed — no increment is lost."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy.dialects import sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import LedgerAccountTotal, LedgerDailyTotal


class Posting(Protocol):
    """What the totals read of a `commission.ledger.Posting` (a protocol: the ledger imports the
    totals, so the totals do not import the ledger)."""

    @property
    def reason(self) -> StrEnum: ...
    @property
    def effective_at(self) -> datetime: ...
    @property
    def legs(self) -> Sequence[tuple[Any, int]]: ...


DailyKey = tuple[str, date, str, str]  # account id, UTC day, reason, currency
RunningKey = tuple[str, str, str]  # account id, reason, currency


def deltas(
    postings: Sequence[Posting], account_id: Callable[[Any], str]
) -> tuple[dict[DailyKey, list[int]], dict[RunningKey, list[int]]]:
    """Per key: [amount added, entries added], summed over the batch (one row per key, as an
    `ON CONFLICT DO UPDATE` statement may touch each row once)."""
    daily: dict[DailyKey, list[int]] = defaultdict(lambda: [0, 0])
    running: dict[RunningKey, list[int]] = defaultdict(lambda: [0, 0])
    for posting in postings:
        day = posting.effective_at.astimezone(UTC).date()
        for key, amount in posting.legs:
            account = account_id(key)
            for row in (
                daily[(account, day, posting.reason.value, key.currency)],
                running[(account, posting.reason.value, key.currency)],
            ):
                row[0] += amount
                row[1] += 1
    return dict(sorted(daily.items())), dict(sorted(running.items()))


def pg_total_arrays(postings: Sequence[Posting], account_id: Callable[[Any], str]) -> dict[str, list[Any]]:
    daily, running = deltas(postings, account_id)
    return {
        "d_a": [k[0] for k in daily],
        "d_day": [k[1] for k in daily],
        "d_r": [k[2] for k in daily],
        "d_c": [k[3] for k in daily],
        "d_amt": [v[0] for v in daily.values()],
        "d_n": [v[1] for v in daily.values()],
        "r_a": [k[0] for k in running],
        "r_r": [k[1] for k in running],
        "r_c": [k[2] for k in running],
        "r_amt": [v[0] for v in running.values()],
        "r_n": [v[1] for v in running.values()],
    }


async def add_totals(session: AsyncSession, postings: Sequence[Posting], account_id: Callable[[Any], str]) -> None:
    """SQLite: the same increments as PostgreSQL's, one upsert per row (SQLite has one writer)."""
    daily, running = deltas(postings, account_id)
    if not daily:
        return
    d = sqlite.insert(LedgerDailyTotal)
    await session.execute(
        d.on_conflict_do_update(
            index_elements=["account_id", "day", "reason"],
            set_={
                "amount_minor": LedgerDailyTotal.__table__.c.amount_minor + d.excluded.amount_minor,  # type: ignore[attr-defined]
                "entry_count": LedgerDailyTotal.__table__.c.entry_count + d.excluded.entry_count,  # type: ignore[attr-defined]
            },
        ),
        [
            {"account_id": a, "day": day, "reason": r, "currency": c, "amount_minor": v[0], "entry_count": v[1]}
            for (a, day, r, c), v in daily.items()
        ],
    )
    r_ins = sqlite.insert(LedgerAccountTotal)
    await session.execute(
        r_ins.on_conflict_do_update(
            index_elements=["account_id", "reason"],
            set_={
                "amount_minor": LedgerAccountTotal.__table__.c.amount_minor + r_ins.excluded.amount_minor,  # type: ignore[attr-defined]
                "entry_count": LedgerAccountTotal.__table__.c.entry_count + r_ins.excluded.entry_count,  # type: ignore[attr-defined]
            },
        ),
        [
            {"account_id": a, "reason": r, "currency": c, "amount_minor": v[0], "entry_count": v[1]}
            for (a, r, c), v in running.items()
        ],
    )
