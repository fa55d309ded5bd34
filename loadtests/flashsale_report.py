"""The figures of `python -m loadtests flashsale` (the app's sale against the bare UPDATE) and its
section of BENCHMARKS.md."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from typing import Any

from loadtests import benchmarks_md


def _pct(values: list[float], q: float) -> float:
    return round(values[min(len(values) - 1, int(q * len(values)))], 2) if values else 0.0


def figures(args: argparse.Namespace, app: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    sold = app["ordered_units"]  # from the database: what was actually taken, whatever the client saw
    app_rate = args.attempts / app["elapsed_s"]
    base_rate = args.attempts / baseline["elapsed_s"]
    return {
        "units": args.units,
        "attempts": args.attempts,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "sold": sold,
        "oversold": max(0, sold - args.units),
        "orders_answered_201": app["codes"].get(201, 0),
        "transport_retries": app["retries"],
        "status_codes": {str(k): v for k, v in app["codes"].items()},
        "stock_conserved": app["conserved"],
        "free_after": app["free"],
        "held_after": app["held"],
        "checkout_p50_ms": _pct(app["latencies_ms"], 0.50),
        "checkout_p99_ms": _pct(app["latencies_ms"], 0.99),
        "winners_p99_ms": _pct(app["winners_ms"], 0.99),
        "turned_away_p99_ms": _pct(app["losers_ms"], 0.99),
        "sold_out_after_s": round(app["sold_out_after_s"], 2),
        "attempts_per_s": round(app_rate, 1),
        "elapsed_s": round(app["elapsed_s"], 2),
        "baseline_sold": baseline["sold"],
        "baseline_attempts_per_s": round(base_rate, 1),
        "baseline_p50_ms": _pct(baseline["latencies_ms"], 0.50),
        "baseline_p99_ms": _pct(baseline["latencies_ms"], 0.99),
        "ratio_app_to_baseline": round(app_rate / base_rate, 3),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
    }


def write_flashsale_section(args: argparse.Namespace, f: dict[str, Any]) -> None:
    command = f"python -m loadtests flashsale --workers {args.workers}" + (" --quick" if args.quick else "")
    section = f"""## flashsale

One SKU with {f["units"]:,} units; {f["attempts"]:,} viewers, each with one unit in the cart, press
"pay" at once ({f["concurrency"]} attempts in flight) — HTTP `POST /api/v1/sessions/{{id}}/checkout` to a
real server ({f["workers"]} uvicorn worker(s), the stock gate in Redis when more than one) on a fresh
PostgreSQL database (checkout makes no PaymentIntent: the buyer's Pay does). Baseline: the bare conditional
`UPDATE … WHERE stock >= 1` through asyncpg, same attempts and concurrency, same run.

- machine: {f["cores"]} cores (shared with other work), date {f["date"]}, command `{command}`
- sold **{f["sold"]:,}**, oversold **{f["oversold"]}**, stock conserved (free + held + sold = units):
  {f["stock_conserved"]}; answers {f["status_codes"]} ({f["transport_retries"]} transport errors or
  503 "busy" answers retried with the same Idempotency-Key)
- checkout latency p50 **{f["checkout_p50_ms"]} ms**, p99 **{f["checkout_p99_ms"]} ms** (winners' p99
  {f["winners_p99_ms"]} ms, turned away p99 {f["turned_away_p99_ms"]} ms); **{f["attempts_per_s"]:,}
  attempts/s** ({f["elapsed_s"]} s); the last unit sold {f["sold_out_after_s"]} s after the first attempt
- baseline: sold {f["baseline_sold"]:,}, {f["baseline_attempts_per_s"]:,} attempts/s,
  p50 {f["baseline_p50_ms"]} ms, p99 {f["baseline_p99_ms"]} ms
- ratio app / baseline (attempts/s): **{f["ratio_app_to_baseline"]}**
- load average (1 min) right after the run: {f["load_average_1m_after"]} — the load generator, the
  server, PostgreSQL and localstripe share the {f["cores"]} cores (and other work may too). With
  {f["concurrency"]} attempts in flight the latency is mostly queueing for one of the server's
  database connections (pool 20 + 20 overflow); the p99 tail includes the waits of attempts answered 503
  "busy" and retried. Attempts that cannot win (sold out, or the buyer at the limit) are answered
  409 by the stock gate (one Lua call in Redis) without a database round trip; only winners open a
  transaction, so the gap to the baseline is per-request HTTP work plus the winners' transactions.
"""
    benchmarks_md.write_section("flashsale", section)
