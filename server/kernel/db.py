"""Database plumbing shared by all domains: URLs, engines, sessions and column types.

The app talks to PostgreSQL through asyncpg and to SQLite through aiosqlite; Alembic uses the
synchronous drivers (psycopg, sqlite3) for the same URL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import utcnow


def _normalise(url: str) -> tuple[str, str]:
    scheme, rest = url.split("://", 1)
    base = scheme.split("+", 1)[0]
    return ("postgresql" if base in ("postgres", "postgresql") else "sqlite"), rest


def async_url(url: str) -> str:
    base, rest = _normalise(url)
    return f"postgresql+asyncpg://{rest}" if base == "postgresql" else f"sqlite+aiosqlite://{rest}"


def sync_url(url: str) -> str:
    base, rest = _normalise(url)
    return f"postgresql+psycopg://{rest}" if base == "postgresql" else f"sqlite://{rest}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the page readers and the one writer coexist; the busy timeout rides out the locks
    # of a loaded machine (a writer held past 5 s was seen on 2 busy cores) before answering 503.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@dataclass(frozen=True)
class DatabaseLimits:
    """Every wait on the database is bounded (see the operator section of the README): a request
    waits at most `pool_timeout_s` for a connection and `connect_timeout_s` to open one; the server
    cancels a statement after `statement_timeout_ms` (0 = never) and the client stops waiting one
    second later (a dead route answers nothing, not even the cancel)."""

    max_overflow: int = 5
    pool_timeout_s: float = 3.0
    connect_timeout_s: float = 2.0
    statement_timeout_ms: int = 10_000
    pool_recycle_s: int = 1800

    def asyncpg_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {"timeout": self.connect_timeout_s}
        if self.statement_timeout_ms:
            args["command_timeout"] = self.statement_timeout_ms / 1000 + 1
            args["server_settings"] = {"statement_timeout": str(self.statement_timeout_ms)}
        return args


# Commands and reports (settlement, releases, the demo seed) may run long statements on purpose.
BATCH_LIMITS = DatabaseLimits(statement_timeout_ms=0)


def make_engine(url: str, pool_size: int = 5, limits: DatabaseLimits | None = None, **kwargs: Any) -> AsyncEngine:
    """pool_size=0 opens a connection per use (tests crossing event loops; external poolers)."""
    limits = limits or DatabaseLimits()
    target = async_url(url)
    if pool_size == 0:
        kwargs["poolclass"] = NullPool
    if target.startswith("sqlite"):
        engine = create_async_engine(target, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    if pool_size:
        kwargs.setdefault("pool_size", pool_size)
        kwargs.setdefault("max_overflow", limits.max_overflow)
        kwargs.setdefault("pool_timeout", limits.pool_timeout_s)
        kwargs.setdefault("pool_recycle", limits.pool_recycle_s)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs["connect_args"] = {**limits.asyncpg_args(), **kwargs.get("connect_args", {})}
    return create_async_engine(target, **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def session_scope(maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """Yield a session; anything not committed by the service is rolled back."""
    async with maker() as session:
        try:
            yield session
        finally:
            if session.in_transaction():
                await session.rollback()


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes; SQLite returns naive ones, so they are re-tagged as UTC."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_field(*, nullable: bool = False, index: bool = False, default_now: bool = False) -> Any:
    """A SQLModel field for an aware UTC timestamp."""
    return Field(
        default_factory=utcnow if default_now else (lambda: None),
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=sa.JSON)
