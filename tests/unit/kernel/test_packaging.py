"""The Dockerfile runs the README's commands, and the package ships everything it needs."""

from __future__ import annotations

import tomllib

from tests.live_server import ROOT


def test_dockerfile_uses_the_readme_commands_and_runs_as_non_root():
    dockerfile = (ROOT / "Dockerfile").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "zhixiang migrate" in dockerfile and "zhixiang serve" in dockerfile
    assert "zhixiang migrate" in readme and "zhixiang serve" in readme
    assert "USER zhixiang" in dockerfile and "HEALTHCHECK" in dockerfile
    assert dockerfile.count("FROM ") >= 2


def test_readme_opens_with_the_two_commands():
    first_block = (ROOT / "README.md").read_text().split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_console_script_and_migrations_are_packaged():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["zhixiang"] == "server.cli.main:cli"
    assert any(p.startswith("server") for p in project["tool"]["setuptools"]["packages"]["find"]["include"])
    assert (ROOT / "server/migrations/script.py.mako").exists()
