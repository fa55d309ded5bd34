"""The fanout benchmark's section of BENCHMARKS.md, written from its figures."""

from __future__ import annotations

import argparse
from typing import Any

from loadtests.benchmarks_md import machine_line

ROWS = [  # (label, figure key, unit)
    ("publish → receipt p50", "publish_to_receipt_ms_p50", " ms"),
    ("publish → receipt p99", "publish_to_receipt_ms_p99", " ms"),
    ("like → receipt p50", "like_to_receipt_ms_p50", " ms"),
    ("like → receipt p99", "like_to_receipt_ms_p99", " ms"),
    ("like updates per viewer per second", "like_updates_per_viewer_per_s", ""),
    ("server CPU (cores)", "server_cpu_cores", ""),
    ("sockets closed early", "closed_early", ""),
]


def _table(app: dict[str, Any], base: dict[str, Any]) -> str:
    rows = ["| | app | baseline |", "|---|---:|---:|"]
    rows += [f"| {label} | {app[key]}{unit} | {base[key]}{unit} |" for label, key, unit in ROWS]
    busiest = [max(figures["client_cpu_pct"]["viewers"]) for figures in (app, base)]
    rows.append(f"| busiest client process (% of a core) | {busiest[0]} | {busiest[1]} |")
    return "\n".join(rows)


def section(args: argparse.Namespace, f: dict[str, Any]) -> str:
    command = f"python -m loadtests fanout --workers {args.workers}" + (" --quick" if args.quick else "")
    met = "met" if f["goal_met"] else "**not met**"
    return f"""## fanout
Live room fan-out: {f["viewers"]:,} viewer sockets on one live session while {args.likers} other sockets
send a like storm ({f["likes_per_s_target"]:,.0f} likes a second) for {f["seconds"]:.0f} s. The app
({f["workers"]} worker(s), fan-out through {f["fanout"]}) counts likes and broadcasts the total at most 4 times
a second; the baseline is a bare `websockets` server in one process doing the same coalesced broadcast
with no auth, database or Redis (`loadtests/fanout_baseline.py`). Viewers are held by {args.clients} client
processes whose own CPU is shown, so a reader can see they had headroom. "publish → receipt" runs
from the event's server timestamp to the client's receipt; "like → receipt" from sending a like to
the first total including it (the ≤ 250 ms coalescing included).

- machine: {machine_line()}
- command: `{command}`

{_table(f["app"], f["baseline"])}

- delivery ratio (app / baseline): **{f["delivery_ratio"]}**; goal p99 ≤ 250 ms at 5,000 viewers
  and ≥ 1.0×: {met}
"""
