"""Shared fixtures. Database tests take `db_url`, which runs each test on SQLite and on
PostgreSQL (a fresh database per test run, migrated with Alembic, emptied between tests). Every
test starts on real time: a test that moved the clock (`server.kernel.clock.advance`) has it
reset afterwards. Helpers live in modules of their own (`tests.app_settings`, `tests.database`):
no test imports a conftest."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.kernel import clock
from server.migrate import upgrade
from server.settings import Settings
from tests import preflight, services
from tests.app_settings import make_settings
from tests.database import empty_tables

pytest_plugins = ["tests.skip_report"]
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


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    """Whatever a test did to the clock, the next one starts on real time."""
    yield
    clock.reset()
