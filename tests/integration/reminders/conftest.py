"""Reminder tests drive delivery themselves (`deliver_due`): the background worker is off."""

from __future__ import annotations

import pytest

from server.settings import Settings
from tests.app_settings import make_settings


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, reminder_delivery_interval_s=0)
