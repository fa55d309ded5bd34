"""Running Alembic from code (the CLI, the app's tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
