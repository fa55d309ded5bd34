"""The live room runs on two set-ups: memory fan-out on SQLite (one worker), Redis on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.factories_liveroom import LiveSetup, live_session, serving


@pytest.fixture(params=["memory-sqlite", "redis-postgres"])
def room_app(request: pytest.FixtureRequest) -> Litestar:
    if request.param == "memory-sqlite":
        from tests.database import empty_tables

        url = request.getfixturevalue("sqlite_url")
        empty_tables(url)
        return create_app(make_settings(url))
    url = request.getfixturevalue("postgres_db_url")
    return create_app(
        make_settings(
            url,
            redis_url=request.getfixturevalue("redis_url"),
            redis_namespace=request.getfixturevalue("redis_namespace"),
        )
    )


@pytest.fixture
async def room_host(room_app: Litestar) -> AsyncIterator[str]:
    async with serving(room_app) as host:
        yield host


@pytest.fixture
async def live(room_app: Litestar, room_host: str) -> LiveSetup:
    return await live_session(room_app, f"http://{room_host}")
