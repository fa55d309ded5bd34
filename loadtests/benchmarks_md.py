"""BENCHMARKS.md, where every benchmark keeps its own `## name` section: a run rewrites that
section and nothing else (the `all` run keeps its own block between markers, `run_all.py`)."""

from __future__ import annotations

import os
import platform
import re
from datetime import UTC, datetime
from pathlib import Path

BENCHMARKS_MD = Path(__file__).resolve().parent.parent / "BENCHMARKS.md"
ALL_BEGIN = "<!-- all:begin -->"


def write_section(name: str, body: str, path: Path | None = None) -> None:
    """Replace the `## name` section with `body` (which starts with that heading), or add it
    before the `all` block (or at the end)."""
    path = path or BENCHMARKS_MD
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"## {re.escape(name)}\n.*?(?=\n## |\n{re.escape(ALL_BEGIN)}|\Z)", re.DOTALL)
    body = body.rstrip("\n")
    if pattern.search(text):
        text = pattern.sub(lambda _: body, text, count=1)
    elif ALL_BEGIN in text:
        text = text.replace(ALL_BEGIN, body + "\n\n" + ALL_BEGIN, 1)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    path.write_text(text if text.endswith("\n") else text + "\n")


def machine_line() -> str:
    """The machine, the date and the load the run saw: the reader needs all three to weigh a figure."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; load average (1, 5, 15 min) at the end: {load}"
    )
