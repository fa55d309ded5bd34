"""Fixtures for the commission tests: a Stripe Connect test server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import services
from tests.stripe_connect_server import ConnectServer, load_fixtures


@pytest.fixture(scope="session")
def connect_fixtures() -> dict:
    try:
        return load_fixtures()
    except FileNotFoundError as exc:
        if services.services_required():
            pytest.fail(str(exc), pytrace=False)
        pytest.skip(f"{exc}: the Stripe Connect test server needs Stripe's reference objects")


@pytest.fixture
def connect_server(connect_fixtures: dict) -> Iterator[ConnectServer]:
    server = ConnectServer(connect_fixtures)
    server.start()
    yield server
    server.stop()
