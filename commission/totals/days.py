"""A period cut into whole UTC days (read from kept daily totals) and the partial first and last
days (read from the raw rows), shared by the ledger totals and the order totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta


def floor_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def ceil_day(at: datetime) -> date:
    day = floor_day(at)
    return day if midnight(day) == at else day + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DaySplit:
    """[since, until) = the days in [first, end) (None: unbounded) + the raw ranges in `partial`."""

    first: date | None
    end: date | None
    partial: tuple[tuple[datetime | None, datetime | None], ...]
    whole_days: bool = True


def split_days(since: datetime | None, until: datetime | None) -> DaySplit:
    first = ceil_day(since) if since is not None else None
    end = floor_day(until) if until is not None else None
    if first is not None and end is not None and first >= end:
        return DaySplit(None, None, ((since, until),), whole_days=False)
    partial: list[tuple[datetime | None, datetime | None]] = []
    if since is not None and first is not None and since < midnight(first):
        partial.append((since, midnight(first)))
    if until is not None and end is not None and midnight(end) < until:
        partial.append((midnight(end), until))
    return DaySplit(first, end, tuple(partial))
