"""Group-buy fixtures: localstripe (checkout's), an app wired to it with both sweepers off (tests
run `expire_due_groups` themselves)."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.app_settings import stripe_settings
from tests.stripe_server import StripeTestServer


def group_settings(url: str, stripe: StripeTestServer) -> Settings:
    return stripe_settings(url, stripe, group_sweep_interval_s=0)


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer) -> Settings:
    return group_settings(db_url, localstripe)


@pytest.fixture
def pg_only_settings(postgres_db_url: str, localstripe: StripeTestServer) -> Settings:
    """For modules whose rules do not depend on the database (and to keep the suite fast):
    `settings = pg_only_settings` in the module runs them on PostgreSQL only."""
    return group_settings(postgres_db_url, localstripe)
