"""Shared fixtures. Database tests take `db_url`, which runs each test on SQLite and on
PostgreSQL (a fresh database per test run, migrated with Alembic, emptied between tests)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.metadata import metadata
from server.migrate import upgrade
from server.settings import Settings, load_settings
from tests import preflight, services

TEST_SECRET = "test-secret-key-0123456789abcdef"
PREFLIGHT = pytest.StashKey[preflight.Preflight]()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    error = services.postgres_available()
    if error is not None:
        services.missing("postgres", error)
    url = services.create_database()
    upgrade(url)
    yield url
    services.drop_database(url)


@pytest.fixture(scope="session")
def redis_url() -> str:
    error = services.redis_available()
    if error is not None:
        services.missing("redis", error)
    return services.redis_test_url()


@pytest.fixture
def redis_namespace() -> str:
    """A key/channel prefix of this test's own, so tests never see each other's keys."""
    return f"zxt{uuid.uuid4().hex[:10]}"


def empty_tables(url: str) -> None:
    from server.kernel.db import sync_url

    engine = sa.create_engine(sync_url(url))
    tables = [t.name for t in metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{table}"'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{'sqlite' if request.param == 'sqlite' else 'pg'}_url")
    empty_tables(url)
    return url


@pytest.fixture
def postgres_db_url(pg_url: str) -> str:
    """For tests that only mean something on PostgreSQL (races, row locks, triggers)."""
    empty_tables(pg_url)
    return pg_url


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "redis_url": None,
        "secret_key": TEST_SECRET,
        "outbox_poll_interval_ms": 0,
        "stripe_api_key": None,
        "db_pool_size": 0,
        "payment_reconcile_interval_s": 0,  # tests call `server.payments.reconcile.sweep` themselves
        "stock_gate_reconcile_interval_s": 0,  # tests run the reconcile pass themselves
    }
    values.update(overrides)
    return load_settings(**values)


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):  # the controller: once per run, before workers start
        config.stash[PREFLIGHT] = preflight.start()


def pytest_report_header(config: pytest.Config) -> list[str]:
    found = config.stash.get(PREFLIGHT, None)
    return found.lines if found else []


def pytest_unconfigure(config: pytest.Config) -> None:
    found = config.stash.get(PREFLIGHT, None)
    if found:
        found.stop()
