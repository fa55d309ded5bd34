"""The rush benchmark's arithmetic, without servers: what a viewer socket records, the figures
from the clients' reports, and the rush section of BENCHMARKS.md rewritten in place."""

from __future__ import annotations

import argparse
import json
from array import array

from loadtests import bench_rush, benchmarks_md, rush_report
from loadtests.fanout_clients import Tally, Viewer

PIN_AT = 1_000.0
WRK_OUT = """  Latency Distribution
     50%   10.00ms
     99%   45.10ms
  1980 requests in 10.00s, 400.00KB read
Requests/sec:    198.00
SENT 1985
"""


def test_a_viewer_records_like_totals_in_the_app_and_the_baseline_shapes_and_the_pin():
    tally = Tally()
    viewer = Viewer(tally)
    viewer._record(json.loads('{"type":"likes","total":3,"seq":9,"ts":1000}'), 1.5)
    viewer._record(json.loads('{"type": "likes", "total": 4, "seq": 10, "ts": 1000}'), 1.5)  # the baseline's
    viewer._record({"type": "snapshot", "likes": 4, "pinned_sku_id": None}, 2.0)  # no ts: not a like total
    viewer._record({"type": "pin", "sku_id": "sku_1", "ts": 1000}, 2.5)
    assert list(tally.totals) == [3, 4] and list(tally.latency_ms) == [500.0, 500.0]
    assert list(tally.pinned_at) == [2.5] and tally.snapshots == 1


def args(**overrides: object) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    bench_rush.add_arguments(parser)
    parsed = parser.parse_args(["--units", "2", "--viewers", "3", "--seconds", "10"])
    bench_rush._defaults(parsed)
    return argparse.Namespace(**{**vars(parsed), **overrides})


def raw(results: list[tuple[object, ...]]) -> dict[str, object]:
    viewer = (
        "done",
        10,
        array("d", [20.0, 30.0]).tobytes(),
        b"",
        b"",
        0,
        12.0,
        array("d", [PIN_AT + 0.2]).tobytes(),
        0,
    )
    liker = ("done", array("d", [1.0]).tobytes(), 5.0)
    return {
        "connected": 3,
        "pin_at": PIN_AT,
        "buyers": ("buyers", results, 0),
        "done": [viewer, liker],
        "wrk": WRK_OUT,
        "shutdown_s": 1.0,
        "cpu_cores": 0.5,
        "rss_before_mb": 100.0,
        "rss_in_room_mb": 101.0,
    }


def audit(ordered: int, lost: int = 0) -> dict[str, object]:
    clicks = {"counted": 1980, "lost": lost, "in_flight": 5, "sent_by_numbers": 1985}
    return {"ordered": ordered, "conserved": True, "clicks": clicks}


def test_sell_out_is_the_time_from_the_pin_to_the_last_unit_reserved():
    results = [(200, 201, 0.1, PIN_AT + 3.0), (200, 409, 0.2, PIN_AT + 5.0), (200, 201, 0.3, PIN_AT + 4.5)]
    figures = rush_report.figures(args(), raw(results), audit(ordered=2))
    assert figures["pin_to_sellout_s"] == 4.5 and figures["sold"] == 2 and figures["oversold"] == 0
    assert figures["clicks_per_s"] == 198 and figures["clicks_p99"] == "45.10ms"
    assert figures["pin_to_viewers_p99_ms"] == 200.0 and figures["room_p99_ms"] == 30.0
    assert figures["goal"].endswith(": met")


def test_a_sale_short_of_its_units_or_a_lost_click_is_reported_as_not_met():
    results = [(200, 201, 0.1, PIN_AT + 3.0), (503, "no-cart", 0.0, PIN_AT + 3.0)]
    figures = rush_report.figures(args(), raw(results), audit(ordered=1, lost=2))
    assert figures["pin_to_sellout_s"] is None and "NOT met" in figures["goal"]
    assert "not sold out" in rush_report.table(figures)
    assert figures["cart_answers"] == {"200": 1, "503": 1}


def test_the_rush_section_goes_before_the_all_table_and_is_replaced_on_the_next_run(tmp_path, monkeypatch):
    markdown = tmp_path / "BENCHMARKS.md"
    markdown.write_text("# Benchmarks\n\n## settle\nold\n\n<!-- all:begin -->\ntable\n<!-- all:end -->\n")
    monkeypatch.setattr(benchmarks_md, "BENCHMARKS_MD", markdown)
    results = [(200, 201, 0.1, PIN_AT + 3.0), (200, 201, 0.3, PIN_AT + 4.0)]
    for _ in range(2):
        rush_report.write_section(args(), rush_report.figures(args(), raw(results), audit(ordered=2)))
    text = markdown.read_text()
    assert text.count("## rush") == 1 and text.index("## settle") < text.index("## rush") < text.index("all:begin")
    assert "| pin → sell-out | 4.0 s |" in text and "table\n<!-- all:end -->" in text
