"""Shared plumbing for CLI commands: settings with a readable failure, and a database session.

Imports of the app's heavy parts (pydantic settings, SQLAlchemy) happen inside the functions, so
`zhixiang <command> --help` answers without loading them."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from server.settings import Settings

T = TypeVar("T")


def settings_or_exit() -> Settings:
    from server.settings import SettingsError, get_settings

    try:
        return get_settings()
    except SettingsError as exc:
        raise click.ClickException(f"configuration error: {exc}") from None


def run_with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from server.kernel.db import BATCH_LIMITS, make_engine, make_sessionmaker

    async def _main() -> T:
        engine = make_engine(settings.database_url, limits=BATCH_LIMITS)
        try:
            async with make_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(_main())


def echo_table(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("(none)")
        return
    keys = list(rows[0])
    widths = {k: max(len(k), *(len(str(r[k])) for r in rows)) for k in keys}
    click.echo("  ".join(k.ljust(widths[k]) for k in keys))
    for row in rows:
        click.echo("  ".join(str(row[k]).ljust(widths[k]) for k in keys))
