"""No test waits by sleeping a fixed time: a loaded machine stretches every wait, so a test waits
for a condition (`tests/waiting.py`) or moves the injected clock. `sleep(0)` (yield to the loop once)
is not a wait; the few fixed sleeps that pace work rather than wait for it are listed, with why."""

from __future__ import annotations

import re
from pathlib import Path

from tests.live_server import ROOT

THIS_FILE = Path(__file__).resolve()
FIXED_SLEEP = re.compile(r"\b(?:sleep|wait_for_timeout)\(\s*(?P<seconds>\d[\d_]*(?:\.\d*)?|\.\d+)\s*\)")
PACING = {  # (file, the line as written): why it paces work instead of waiting for something
    ("tests/integration/lottery/test_lottery_races.py", "await asyncio.sleep(0.005)"): (
        "spreads the entries a few ms apart across the close: the race under test"
    ),
    (
        "tests/integration/distribution/test_click_classifiers.py",
        "await asyncio.sleep(0.01)  # the other flush gets the loop while this batch is in flight",
    ): "a classifier's own latency, during which the concurrent flush runs",
    (
        "tests/integration/server/test_launcher.py",
        """code = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); print('stuck', flush=True); time.sleep(60)\"""",
    ): "the code of a child process that hangs, for the launcher to kill",
}


def fixed_sleeps(root: Path) -> list[tuple[str, str]]:
    """(file, line) of every sleep for a constant, non-zero time in the tests below `root`."""
    return [
        (str(path.relative_to(root)), line.strip())
        for path in sorted((root / "tests").rglob("*.py"))
        if path.resolve() != THIS_FILE  # its own examples and allow-list
        for line in path.read_text(encoding="utf-8").splitlines()
        if any(float(m["seconds"].replace("_", "")) > 0 for m in FIXED_SLEEP.finditer(line))
    ]


def test_no_test_sleeps_a_fixed_time_to_wait():
    assert [found for found in fixed_sleeps(ROOT) if found not in PACING] == []


def test_every_allowed_pacing_sleep_still_exists():
    # an entry whose line is gone would silently allow the same line to come back elsewhere
    assert set(PACING) <= set(fixed_sleeps(ROOT))


def test_the_check_sees_sync_async_and_browser_sleeps(tmp_path):
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_x.py").write_text(
        "time.sleep(1)\nawait asyncio.sleep(0.5)\nawait page.wait_for_timeout(500)\n"
        "await asyncio.sleep(0)\nawait asyncio.sleep(every_s)\nawait asyncio.sleep(.2)\n"
    )
    assert [line for _, line in fixed_sleeps(tmp_path)] == [
        "time.sleep(1)",
        "await asyncio.sleep(0.5)",
        "await page.wait_for_timeout(500)",
        "await asyncio.sleep(.2)",
    ]
