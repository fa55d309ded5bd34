"""`python -m loadtests all [--quick]`: every benchmark in turn, one table, BENCHMARKS.md updated.

Each benchmark returns a dict of figures; by convention it includes `ratio` (against its own
baseline in the same run) and `goal` (a short text). The table shows those and the headline
figures; the full dicts go into BENCHMARKS.md between the markers below."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

BEGIN, END = "<!-- all:begin -->", "<!-- all:end -->"
BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
ORDER = ["fanout", "redirect", "flashsale", "rush", "ledger", "settle"]


def machine() -> str:
    cpus = os.cpu_count() or 0
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    python = platform.python_version()
    return f"{platform.system()} {platform.machine()}, {cpus} cores, {mem_gib:.0f} GiB, Python {python}"


def bench_args(name: str, module: ModuleType, quick: bool) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=name)
    module.add_arguments(parser)
    return parser.parse_args(["--quick"] if quick else [])


def run_each(benchmarks: dict[str, ModuleType], quick: bool) -> dict[str, dict[str, Any]]:
    results: dict[str, dict[str, Any]] = {}
    names = [n for n in ORDER if n in benchmarks] + sorted(set(benchmarks) - set(ORDER))
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        try:
            results[name] = benchmarks[name].run(bench_args(name, benchmarks[name], quick))
        except Exception as exc:  # one failing benchmark must not hide the others' figures
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        results[name]["wall_s"] = round(time.monotonic() - started, 1)
    return results


def headline(figures: dict[str, Any]) -> str:
    skip = {"ratio", "goal", "wall_s", "error"}
    scalars = [f"{k}={v}" for k, v in figures.items() if k not in skip and isinstance(v, int | float | str)]
    return ", ".join(scalars[:6])


def table(results: dict[str, dict[str, Any]]) -> str:
    rows = ["| benchmark | ratio to baseline | goal | figures | wall s |", "|---|---|---|---|---|"]
    for name, figures in results.items():
        ratio = figures.get("ratio") or next(
            (v for k, v in figures.items() if "ratio" in k and isinstance(v, int | float)), "—"
        )
        shown = figures.get("error") or headline(figures)
        rows.append(f"| {name} | {ratio} | {figures.get('goal', '')} | {shown} | {figures.get('wall_s')} |")
    return "\n".join(rows)


def rewrite_markdown(results: dict[str, dict[str, Any]], command: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = "\n".join(
        [
            BEGIN,
            "## All benchmarks, one run",
            "",
            f"Machine: {machine()}. Date: {stamp}. Command: `{command}`.",
            "",
            table(results),
            "",
            "<details><summary>raw figures</summary>",
            "",
            "```json",
            json.dumps(results, indent=2, sort_keys=True),
            "```",
            "</details>",
            END,
        ]
    )
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    BENCHMARKS_MD.write_text(text)


def run_all(benchmarks: dict[str, ModuleType], quick: bool) -> dict[str, Any]:
    results = run_each(benchmarks, quick)
    print("\n" + table(results))
    rewrite_markdown(results, "python -m loadtests all" + (" --quick" if quick else ""))
    print(f"\nBENCHMARKS.md updated ({BENCHMARKS_MD})")
    return results
