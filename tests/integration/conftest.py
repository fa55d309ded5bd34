"""Fixtures several integration packages share: localstripe (payments) for the session, and the
Stripe Connect test server (payouts) with Stripe's reference objects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import services
from tests.stripe_connect_server import ConnectServer, load_fixtures
from tests.stripe_server import StripeTestServer, run_localstripe


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StripeTestServer]:
    with run_localstripe(tmp_path_factory.mktemp("localstripe")) as server:
        yield server


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
