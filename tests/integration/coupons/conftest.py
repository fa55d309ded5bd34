"""Coupon fixtures: the app talks to localstripe (checkout with a coupon is paid there); the clock is real again after each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.kernel import clock
from server.settings import Settings
from tests.integration.checkout.conftest import localstripe, stripe_settings  # noqa: F401 - shared fixture
from tests.stripe_server import StripeTestServer


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer) -> Settings:  # noqa: F811
    return stripe_settings(db_url, localstripe)


@pytest.fixture(autouse=True)
def _real_time() -> Iterator[None]:
    yield
    clock.reset()
