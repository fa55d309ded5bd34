"""Each benchmark rewrites its own section of BENCHMARKS.md and leaves the rest alone."""

from __future__ import annotations

import argparse

from loadtests import fanout_report
from loadtests.benchmarks_md import ALL_BEGIN, write_section

DOC = f"# Benchmarks\n\n## fanout\nold fanout\n\n## redirect\nkept\n\n{ALL_BEGIN}\n## All benchmarks, one run\nall\n"


def test_a_section_is_replaced_and_nothing_else(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(DOC)
    write_section("fanout", "## fanout\nnew fanout\n", path)
    text = path.read_text()
    assert "new fanout" in text and "old fanout" not in text
    assert "## redirect\nkept" in text and text.endswith("## All benchmarks, one run\nall\n")


def test_a_new_section_goes_before_the_all_block(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text(DOC)
    write_section("ledger", "## ledger\nfigures", path)
    text = path.read_text()
    assert text.index("## ledger\nfigures") < text.index(ALL_BEGIN) and "old fanout" in text


def test_the_section_of_the_last_heading_ends_at_the_file_end(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# B\n\n## settle\nold\nlines\n")
    write_section("settle", "## settle\nnew", path)
    assert path.read_text() == "# B\n\n## settle\nnew\n"


def test_the_fanout_section_says_whether_the_goal_was_met():
    side = {
        "publish_to_receipt_ms_p50": 78.0,
        "publish_to_receipt_ms_p99": 423.3,
        "like_to_receipt_ms_p50": 182.0,
        "like_to_receipt_ms_p99": 582.0,
        "like_updates_per_viewer_per_s": 3.43,
        "server_cpu_cores": 1.08,
        "closed_early": 0,
        "client_cpu_pct": {"viewers": [6.5, 6.9], "likers": 3.7},
    }
    figures = {
        "viewers": 5000,
        "likes_per_s_target": 2000.0,
        "seconds": 20.0,
        "workers": 2,
        "fanout": "redis",
        "app": side,
        "baseline": side,
        "delivery_ratio": 1.2,
        "goal_met": False,
    }
    args = argparse.Namespace(workers=2, quick=False, likers=200, clients=3)
    text = fanout_report.section(args, figures)
    assert text.startswith("## fanout\n") and "**not met**" in text
    assert "| publish → receipt p99 | 423.3 ms | 423.3 ms |" in text
    assert "`python -m loadtests fanout --workers 2`" in text
