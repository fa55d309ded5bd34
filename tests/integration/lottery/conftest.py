"""Lotteries run where the room runs: memory fan-out on SQLite (one worker) and Redis on
PostgreSQL; the outbox dispatcher runs, as in production, so room messages arrive by themselves."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.factories_liveroom import LiveSetup, live_session, serving


@pytest.fixture(params=["memory-sqlite", "redis-postgres"])
def lottery_app(request: pytest.FixtureRequest) -> Litestar:
    if request.param == "memory-sqlite":
        url = request.getfixturevalue("sqlite_url")
        empty_tables(url)
        return create_app(make_settings(url, outbox_poll_interval_ms=50))
    url = request.getfixturevalue("postgres_db_url")
    return create_app(
        make_settings(
            url,
            outbox_poll_interval_ms=50,
            redis_url=request.getfixturevalue("redis_url"),
            redis_namespace=request.getfixturevalue("redis_namespace"),
        )
    )


@pytest.fixture
async def live(lottery_app: Litestar) -> AsyncIterator[LiveSetup]:
    async with serving(lottery_app) as host:
        yield await live_session(lottery_app, f"http://{host}", skus=1)
