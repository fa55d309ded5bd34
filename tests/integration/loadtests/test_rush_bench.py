"""`python -m loadtests rush` at its smallest, so the benchmark cannot rot: the real app on 2
workers, PostgreSQL, Redis, localstripe, wrk and the client processes, with a handful of each."""

from __future__ import annotations

import argparse
import shutil

import pytest

from loadtests import bench_rush
from tests import services

UNITS = 4
VIEWERS = 12


def smallest(redis_url: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    bench_rush.add_arguments(parser)
    return parser.parse_args(
        [
            *("--viewers", str(VIEWERS), "--buyers", "16", "--partners", "5", "--units", str(UNITS)),
            *("--clicks-per-s", "50", "--seconds", "2", "--likers", "4", "--likes-per-s", "40", "--clients", "1"),
            *("--connections", "4", "--pg-admin-url", services.pg_admin_url(), "--redis-url", redis_url),
            "--no-write",
        ]
    )


@pytest.mark.timeout(200)  # a bound for a loaded box (~150 s at load average 16); expected ~20 s on a quiet one
def test_the_smallest_rush_sells_exactly_the_units_and_loses_no_click(redis_url):
    if (error := services.postgres_available()) is not None:
        services.missing("postgres", error)  # the benchmark makes and drops its own database
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (apt-get install wrk): the rush opens links with it")
    figures = bench_rush.run(smallest(redis_url))

    assert figures["sold"] == UNITS and figures["oversold"] == 0, figures
    assert figures["checkout_answers"].get("201") == UNITS and figures["stock_conserved"] is True
    assert figures["pin_to_sellout_s"] is not None and figures["pin_to_sellout_s"] > 0
    assert figures["clicks_lost"] == 0 and figures["clicks_recorded"] > 0
    assert figures["clicks_recorded"] + figures["clicks_in_flight_at_end"] == figures["clicks_sent"]
    assert figures["viewers"] == VIEWERS and figures["viewers_saw_pin"] == VIEWERS
    assert figures["room_like_updates"] > 0 and figures["room_p99_ms"] is not None
