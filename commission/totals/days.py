"""A period cut into whole UTC days (read from kept daily totals) and raw ranges of the partial
first and last days (read from the rows themselves), shared by the ledger and the order totals.

A partial day is read from its raw rows, or as the whole day's kept row less the raw rows of the
rest of the day — whichever leaves fewer rows to read. The rest of a day that lies after now holds
no rows, so a period ending now costs one kept row for its last day, whatever the day's volume."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from server.kernel.clock import utcnow

DAY = timedelta(days=1)


def floor_day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def ceil_day(at: datetime) -> date:
    day = floor_day(at)
    return day if midnight(day) == at else day + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DaySplit:
    """[since, until) = Σ sign × kept days in [first, end) (None: unbounded) + Σ sign × raw [since, until)."""

    days: tuple[tuple[date | None, date | None, int], ...]
    raw: tuple[tuple[datetime, datetime, int], ...]


def split_days(since: datetime | None, until: datetime | None, now: datetime | None = None) -> DaySplit:
    first = ceil_day(since) if since is not None else None
    end = floor_day(until) if until is not None else None
    if since is not None and until is not None and first is not None and end is not None and first >= end:
        return DaySplit((), ((since, until, 1),))
    days: list[tuple[date | None, date | None, int]] = [(first, end, 1)]
    raw: list[tuple[datetime, datetime, int]] = []
    now = now or utcnow()
    if since is not None and first is not None and since < midnight(first):
        _partial(since, midnight(first), now, days, raw)
    if until is not None and end is not None and midnight(end) < until:
        _partial(midnight(end), until, now, days, raw)
    return DaySplit(tuple(days), tuple(raw))


def _partial(
    since: datetime,
    until: datetime,
    now: datetime,
    days: list[tuple[date | None, date | None, int]],
    raw: list[tuple[datetime, datetime, int]],
) -> None:
    """[since, until) inside one day: raw, or the day's kept row less the rest of the day."""
    start = midnight(floor_day(since))
    stop = start + DAY
    rest = (since - start) + max(min(stop, now) - until, timedelta(0))  # nothing is posted after now
    if until - since <= rest:
        raw.append((since, until, 1))
        return
    days.append((start.date(), stop.date(), 1))
    raw.extend((a, b, -1) for a, b in ((start, since), (until, stop)) if a < b)
