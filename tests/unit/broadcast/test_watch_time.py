"""Measured watch time (broadcast/liveroom/watch.py): each visitor's join to leave, counted once
however many tabs it has open, handed over in takes that never count a second twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broadcast.liveroom.watch import WatchTime

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_visit_counts_from_join_to_leave():
    watch = WatchTime()
    watch.join("v1", at(0))
    watch.leave("v1", at(7.5))
    assert watch.take(at(100)) == 7500


def test_a_visitor_with_two_tabs_counts_once_until_the_last_tab_closes():
    watch = WatchTime()
    watch.join("v1", at(0))
    watch.join("v1", at(10))
    watch.leave("v1", at(20))
    watch.leave("v1", at(30))
    assert watch.take(at(40)) == 30_000


def test_takes_split_an_open_visit_without_counting_twice():
    # given two visitors, one still watching across three takes
    watch = WatchTime()
    watch.join("v1", at(0))
    watch.join("v2", at(5))
    first = watch.take(at(10))
    watch.leave("v2", at(12))
    second = watch.take(at(20))
    third = watch.take(at(20))
    # then the takes add up to each visit, and a take at the same instant adds nothing
    assert (first, second, third) == (10_000 + 5_000, 10_000 + 2_000, 0)


def test_what_the_store_refused_is_handed_over_next_time():
    watch = WatchTime()
    watch.join("v1", at(0))
    refused = watch.take(at(3))
    watch.give_back(refused)
    assert watch.take(at(4)) == 4000
