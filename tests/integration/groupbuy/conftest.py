"""Group-buy fixtures: localstripe (checkout's), an app wired to it with both sweepers off (tests
run `expire_due_groups` themselves), and real time restored after each test."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.integration.checkout.conftest import _real_time, localstripe, stripe_settings  # noqa: F401
from tests.stripe_server import StripeTestServer


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer) -> Settings:  # noqa: F811
    return stripe_settings(db_url, localstripe, group_sweep_interval_s=0)
