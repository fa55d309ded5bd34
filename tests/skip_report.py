"""Skipped tests are named at the end of every run, with the reason; under CI (`CI=true`) a skip
whose reason is not on the allow-list below fails the run, because a suite that silently skipped
part of itself is not green. (Missing services, Chromium or Stripe's fixtures already fail in CI
on their own: see tests/services.py and tests/browser.py.)"""

from __future__ import annotations

import re

import pytest

from tests import services

# reason pattern (re.search) → why that skip is expected even in CI
EXPECTED_SKIPS: dict[str, str] = {}

_skipped: list[tuple[str, str]] = []


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple | list) else str(longrepr)  # a list via xdist
    return reason.removeprefix("Skipped: ")


def unexpected(skips: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(test, why) for test, why in skips if not any(re.search(p, why) for p in EXPECTED_SKIPS)]


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, skip_reason(report)))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _skipped:
        return
    terminalreporter.section(f"{len(_skipped)} skipped, and why")
    for test, why in sorted(_skipped):
        terminalreporter.line(f"{test}: {why}")
    surprises = unexpected(_skipped)
    if surprises and services.services_required():
        terminalreporter.line("")
        terminalreporter.line(
            f"CI: {len(surprises)} skip(s) not on the allow-list (tests/skip_report.py EXPECTED_SKIPS): "
            "the run fails. Make the missing part available, or allow the reason with why.",
            red=True,
            bold=True,
        )


def pytest_sessionfinish(session: pytest.Session) -> None:
    is_worker = hasattr(session.config, "workerinput")  # xdist workers report to the controller
    if not is_worker and services.services_required() and unexpected(_skipped):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
