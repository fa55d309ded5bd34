"""No source module passes 300 lines (STYLE.md: past ~300 a module becomes a package of smaller files
re-exported from its `__init__.py`). Migrations are left out: each is one revision's DDL, read once."""

from __future__ import annotations

from pathlib import Path

from tests.live_server import ROOT

PACKAGES = ("server", "broadcast", "distribution", "commission", "loadtests")
MAX_LINES = 300
NOT_CHECKED = (ROOT / "server" / "migrations" / "versions",)


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def oversized(root: Path, max_lines: int = MAX_LINES) -> list[str]:
    return [
        f"{path.relative_to(root)}: {lines} lines"
        for package in PACKAGES
        for path in sorted((root / package).rglob("*.py"))
        if not any(path.is_relative_to(skipped) for skipped in NOT_CHECKED) and (lines := line_count(path)) > max_lines
    ]


def test_no_source_module_is_over_300_lines():
    assert oversized(ROOT) == []


def test_the_check_counts_lines_and_sees_every_package(tmp_path):
    for package in PACKAGES:
        (tmp_path / package / "deep").mkdir(parents=True)
    (tmp_path / "commission" / "deep" / "big.py").write_text("x = 1\n" * 301)
    (tmp_path / "server" / "ok.py").write_text("x = 1\n" * 300)
    assert oversized(tmp_path) == ["commission/deep/big.py: 301 lines"]


def test_migrations_are_not_counted():
    assert all(path.is_dir() for path in NOT_CHECKED)
    assert not any("migrations/versions" in entry for entry in oversized(ROOT, max_lines=0))
