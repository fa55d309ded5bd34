"""The redirect benchmark's figures (`summarise`) and its section of BENCHMARKS.md
(`write_section`), apart from the run itself (`loadtests/bench_redirect.py`)."""

from __future__ import annotations

import argparse
import os
import re
from datetime import UTC, datetime
from typing import Any

from loadtests.processes import ROOT


def _total(runs: list[dict[str, Any]]) -> float:
    return sum(r["rps"] for r in runs) / len(runs)


def summarise(raw: dict[str, Any], seconds: int, args: argparse.Namespace) -> dict[str, Any]:
    bare, tracked = raw["runs"]["bare"][1:], raw["runs"]["tracked"][1:]  # [0] is the warm-up
    ratios = [t["rps"] / b["rps"] for b, t in zip(bare, tracked, strict=True)]
    everything = raw["runs"]["tracked"]
    clicks = raw["clicks"]
    answered = sum(r["completed"] for r in everything)
    return {
        "rounds": args.rounds,
        "seconds_per_run": seconds,
        "workers": args.workers,
        "connections": args.connections,
        "wrk_threads": args.threads,
        "bare_rps": round(_total(bare)),
        "tracked_rps": round(_total(tracked)),
        "ratio": round(_total(tracked) / _total(bare), 3),
        "ratio_per_round": [round(r, 3) for r in ratios],
        "bare_p99": [b["p99"] for b in bare],
        "tracked_p99": [t["p99"] for t in tracked],
        "clicks_per_s": round(_total(tracked)),
        "non_3xx": sum(r["non_3xx"] for r in everything),
        "socket_errors": sorted({r["socket_errors"] for r in everything}),
        "requests_generated_by_wrk": sum(r["sent"] for r in everything),
        "requests_sent": clicks["sent_by_numbers"],
        "responses_received_by_wrk": answered,
        "clicks_recorded": clicks["counted"],
        "bots_recorded": clicks["bots"],
        "duplicates_recorded": clicks["duplicates"],
        "in_flight_at_stop": clicks["in_flight"],
        "clicks_lost": clicks["lost"],
        "none_lost": clicks["lost"] == 0
        and clicks["counted"] >= answered
        and clicks["counted"] + clicks["in_flight"] == clicks["sent_by_numbers"],
        "shutdown_s": raw["shutdown_s"],
        "load_average_1min_after": round(os.getloadavg()[0], 1),
    }


def _server_block(name: str, f: dict[str, Any]) -> str:
    return f"""### {name}

| | bare 302 | tracked redirect |
|---|---:|---:|
| requests/s (mean of rounds) | {f["bare_rps"]:,} | {f["tracked_rps"]:,} |
| p99 latency per round | {", ".join(f["bare_p99"])} | {", ".join(f["tracked_p99"])} |

- ratio tracked / bare: **{f["ratio"]}** (goal ≥ 0.7: {"met" if f["ratio"] >= 0.7 else "NOT met"});
  per round, in order: {f["ratio_per_round"]}
- clicks/s recorded on {f["workers"]} workers: **{f["clicks_per_s"]:,}** (goal ≥ 10,000:
  {"met" if f["clicks_per_s"] >= 10_000 else "NOT met"})
- non-3xx responses: {f["non_3xx"]}; socket errors: {", ".join(f["socket_errors"])}
- clicks check after a clean stop (SIGTERM; the final flush took part of {f["shutdown_s"]} s):
  wrk sent {f["requests_sent"]:,} requests (its `request()` ran {f["requests_generated_by_wrk"]:,} times: once more
  per thread and run, before connecting) and received {f["responses_received_by_wrk"]:,} 302s;
  PostgreSQL holds {f["clicks_recorded"]:,} counted clicks (bots {f["bots_recorded"]}, duplicates
  {f["duplicates_recorded"]}). Request numbers missing: {f["in_flight_at_stop"]} among the last
  {f["connections"]} of a run (in flight when wrk closed its sockets, never answered), {f["clicks_lost"]}
  further back. None lost: **{f["none_lost"]}**.
"""


def write_section(figures: dict[str, Any], args: argparse.Namespace, servers: list[str]) -> None:
    command = "python -m loadtests redirect" + (" --quick" if args.quick else "")
    f = figures[servers[0]]
    blocks = "\n".join(_server_block(name, figures[name]) for name in servers)
    body = f"""## redirect

Tracked `GET /l/{{code}}` (the full app; the redirect is answered by its front door before the
framework — `distribution/clicks/front_door.py` — with the link lookup cached per worker, the
signed `zx_attr` cookie, and the click appended to a Redis stream before the 302 leaves, the
clicks of one event-loop turn sharing one pipelined round trip; the one worker holding the flusher
lease classifies each batch — duplicate / bot — with one Redis script call and writes it to
PostgreSQL with asyncpg) vs a bare Litestar app whose one route only answers a 302
(`loadtests/bare_redirect_app.py`). Each ASGI server ({", ".join(servers)}) serves both apps with
{f["workers"]} workers, both up at once, with the flags `zhixiang serve` uses; {f["rounds"]} rounds of
{f["seconds_per_run"]} s runs alternate bare / tracked, loaded by `wrk` ({f["wrk_threads"]} thread,
{f["connections"]} connections) on loopback. Every request is a new visitor (its own `zx_vid`), so
every one must become a click; the per-IP bot rate is off for the run (all load comes from
127.0.0.1).

- machine: 2 cores shared by wrk, both servers, PostgreSQL, Redis and whatever else runs (1-minute
  load average after the run: {f["load_average_1min_after"]}); {datetime.now(UTC):%Y-%m-%d %H:%M} UTC
- command: `{command}`
- most clicks/s: **{figures["fastest_server"]}** (the server `zhixiang serve` should default to)

{blocks}"""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text()
    pattern = re.compile(r"## redirect\n.*?(?=\n## |\Z)", re.DOTALL)
    text = pattern.sub(body.rstrip("\n") + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + body
    path.write_text(text)
