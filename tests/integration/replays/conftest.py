"""Replay fixtures: an app wired to localstripe (the session's, from the integration conftest)."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.app_settings import stripe_settings
from tests.stripe_server import StripeTestServer


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer) -> Settings:
    return stripe_settings(db_url, localstripe)
