"""Running Alembic from code (the CLI, the app's tests, the demo)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, target: str = "heads") -> None:
    """Bring the schema up to date. `heads`: every branch, so domain migrations may branch."""
    if database_url.startswith("sqlite"):
        Path("var").mkdir(exist_ok=True)
    command.upgrade(alembic_config(database_url), target)


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """Where the schema was, where it is, and how many revisions got it there."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    applied: int

    def describe(self) -> str:
        after = " + ".join(self.after) or "(empty)"
        if self.applied == 0:
            return f"already at {after}, nothing to do"
        before = " + ".join(self.before) or "empty database"
        return f"{before} → {after}: {self.applied} revision{'s' if self.applied != 1 else ''}"


def current_revisions(database_url: str) -> tuple[str, ...]:
    """The revisions the database is at (none for a new database)."""
    import sqlalchemy as sa
    from alembic.runtime.migration import MigrationContext

    from server.kernel.db import sync_url

    engine = sa.create_engine(sync_url(database_url))
    try:
        with engine.connect() as conn:
            return tuple(sorted(MigrationContext.configure(conn).get_current_heads()))
    finally:
        engine.dispose()


def _reachable(script: ScriptDirectory, tops: tuple[str, ...]) -> set[str]:
    """Every revision at or below `tops` (what a database at `tops` has applied)."""
    return {rev.revision for top in tops for rev in script.walk_revisions("base", top)}


def upgrade_reporting(database_url: str) -> UpgradeReport:
    """`upgrade` to every head, saying what it applied."""
    if database_url.startswith("sqlite"):
        Path("var").mkdir(exist_ok=True)
    script = ScriptDirectory.from_config(alembic_config(database_url))
    before = current_revisions(database_url)
    pending = _reachable(script, tuple(script.get_heads())) - _reachable(script, before)
    upgrade(database_url)
    return UpgradeReport(before, current_revisions(database_url), len(pending))
