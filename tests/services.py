"""Finding the real services the integration tests need (PostgreSQL, Redis).

Locally a missing service skips its tests with a message saying what to start; in CI
(`CI=true` or `ZX_REQUIRE_SERVICES=1`) a missing service fails the run, because a skipped
integration suite is not a green one."""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
import redis

PG_ADMIN_URL = os.environ.get("ZX_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_TEST_URL = os.environ.get("ZX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
START_HINTS = {
    "postgres": "start PostgreSQL (e.g. `pg_ctlcluster <version> main start`) or set ZX_TEST_PG_URL",
    "redis": "start Redis (e.g. `redis-server --daemonize yes`) or set ZX_TEST_REDIS_URL",
}


def services_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true") or os.environ.get("ZX_REQUIRE_SERVICES") == "1"


def missing(service: str, error: Exception) -> None:
    message = f"{service} is not reachable ({type(error).__name__}): {START_HINTS[service]}"
    if services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def postgres_available() -> Exception | None:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except Exception as exc:
        return exc
    return None


def redis_available() -> Exception | None:
    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        return exc
    return None


def create_database() -> str:
    """A fresh database for this test run, so parallel runs never share tables."""
    name = f"zx_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
