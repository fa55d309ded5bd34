"""Dispute fixtures: an app that takes signed Stripe webhooks and pays partners through the
Connect test server (disputes need no PaymentIntent calls, so no localstripe)."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.app_settings import make_settings
from tests.stripe_connect_server import ConnectServer
from tests.stripe_server import WEBHOOK_SECRET


@pytest.fixture
def settings(db_url: str, connect_server: ConnectServer) -> Settings:
    return make_settings(
        db_url,
        stripe_api_key="sk_test_disputes",
        stripe_connect_api_base=connect_server.base_url,
        stripe_webhook_secret=WEBHOOK_SECRET,
    )
