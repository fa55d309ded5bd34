"""A period cut into kept whole days and raw partial ranges covers every instant of the period
exactly once and nothing else (for any period and any "now"), and a period ending now reads only
one kept row for its last day, with no raw range before now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from commission.totals.days import DaySplit, floor_day, split_days

BASE = datetime(2026, 10, 1, tzinfo=UTC)
MINUTES = st.integers(min_value=0, max_value=60 * 24 * 6)


def at(minutes: int) -> datetime:
    return BASE + timedelta(minutes=minutes)


def coverage(split: DaySplit, t: datetime) -> int:
    day = floor_day(t)
    total = sum(
        sign for first, end, sign in split.days if (first is None or day >= first) and (end is None or day < end)
    )
    return total + sum(sign for a, b, sign in split.raw if a <= t < b)


@given(
    since=st.one_of(st.none(), MINUTES),
    length=st.one_of(st.none(), st.integers(min_value=1, max_value=60 * 24 * 4)),
    now=MINUTES,
    probes=st.lists(st.integers(min_value=-60 * 24, max_value=60 * 24 * 12), min_size=1, max_size=40),
)
def test_every_instant_is_counted_once_inside_and_never_outside(since, length, now, probes):
    if since is None and length is None:
        length = 60 * 24
    start = at(since) if since is not None else None
    stop = (start or BASE) + timedelta(minutes=length) if length is not None else None
    split = split_days(start, stop, at(now))
    for minutes in probes:
        t = at(minutes)
        inside = (start is None or t >= start) and (stop is None or t < stop)
        assert coverage(split, t) == (1 if inside else 0), (start, stop, t, split)


def test_a_period_ending_now_reads_its_last_day_from_the_kept_row():
    now = datetime(2026, 10, 9, 8, 15, tzinfo=UTC)
    split = split_days(now - timedelta(days=30), now, now)
    assert (floor_day(now), floor_day(now) + timedelta(days=1), 1) in split.days
    assert all(b <= now - timedelta(days=29) or a >= now for a, b, _ in split.raw)
