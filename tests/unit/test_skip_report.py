"""A run names what it skipped and why; under CI a skip whose reason is not allowed fails the run."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.live_server import ROOT

SKIPPING = """
import pytest

def test_runs():
    pass

def test_skips():
    pytest.skip("the frobnicator is not installed")
"""


def run_pytest(tmp_path, ci: bool, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_example.py").write_text(SKIPPING)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ZX_REQUIRE_SERVICES")}
    env.update(PYTHONPATH=str(ROOT), **({"CI": "true"} if ci else {}))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.skip_report",
        "-p",
        "no:cacheprovider",
        "-q",
        *args,
        str(tmp_path),
    ]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_locally_a_skip_is_named_with_its_reason_and_the_run_passes(tmp_path):
    result = run_pytest(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 skipped, and why" in result.stdout
    assert "test_example.py::test_skips: the frobnicator is not installed" in result.stdout


def test_in_ci_an_unexpected_skip_fails_the_run_with_a_clear_message(tmp_path):
    result = run_pytest(tmp_path, True, "-n", "2")  # as `make test` runs it: reports come from workers
    assert result.returncode == 1, result.stdout
    assert "test_example.py::test_skips: the frobnicator is not installed" in result.stdout
    assert "CI: 1 skip(s) not on the allow-list" in result.stdout
