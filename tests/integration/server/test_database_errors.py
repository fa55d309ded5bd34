"""Which database errors are an outage (503 database-unavailable + Retry-After) and which are bugs
(500): raised by the real drivers against a real PostgreSQL, a closed port and SQLite."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from server.app import create_app
from server.errors import EXCEPTION_HANDLERS
from server.kernel.db import DatabaseLimits, make_engine
from server.kernel.db_outage import is_database_outage
from server.kernel.ids import new_id
from tests.app_settings import make_settings

pytestmark = pytest.mark.integration
CLOSED_PORT_URL = "postgresql://postgres@127.0.0.1:1/test"


async def _raised(engine: AsyncEngine, sql: str) -> BaseException:
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(sql))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError(f"{sql!r} did not fail")


def _answer(exc: BaseException) -> Any:
    request = SimpleNamespace(url=SimpleNamespace(path="/api/v1/x"))
    # Litestar picks the handler of the most specific registered class, as here.
    handler = next(EXCEPTION_HANDLERS[kind] for kind in type(exc).__mro__ if kind in EXCEPTION_HANDLERS)
    return handler(request, exc)


async def test_a_refused_connection_is_a_503_database_unavailable():
    exc = await _raised(make_engine(CLOSED_PORT_URL), "SELECT 1")
    assert isinstance(exc, OSError) and is_database_outage(exc)
    response = _answer(exc)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert response.content["type"].endswith("/problems/database-unavailable")


async def test_a_statement_past_the_statement_timeout_is_a_503(pg_url):
    engine = make_engine(pg_url, limits=DatabaseLimits(statement_timeout_ms=100))
    exc = await _raised(engine, "SELECT pg_sleep(2)")
    assert is_database_outage(exc) and _answer(exc).status_code == 503


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
async def test_a_broken_query_stays_a_500(database, sqlite_url, pg_url):
    exc = await _raised(make_engine(sqlite_url if database == "sqlite" else pg_url), "SELECT * FROM no_such_table")
    assert not is_database_outage(exc)
    assert _answer(exc).status_code == 500


def test_an_os_error_outside_the_driver_stays_a_500(tmp_path: Path):
    with pytest.raises(FileNotFoundError) as raised:  # an OSError, like a refused connection
        (tmp_path / "missing.html").read_text()
    assert not is_database_outage(raised.value)
    assert _answer(raised.value).status_code == 500


async def test_the_app_answers_503_problem_json_when_its_database_is_unreachable():
    app = create_app(make_settings(CLOSED_PORT_URL, db_pool_size=5))
    async with AsyncTestClient(app=app) as client:
        response = await client.get(f"/api/v1/sessions/{new_id('ses')}/cart")
        health = await client.get("/healthz")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/problems/database-unavailable") and response.headers["retry-after"]
    assert health.status_code == 503 and health.json()["checks"]["database"].startswith("error")
