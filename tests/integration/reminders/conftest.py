"""Reminder tests drive delivery themselves (`deliver_due`): the background worker is off."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.kernel import clock
from server.settings import Settings
from tests.conftest import make_settings


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, reminder_delivery_interval_s=0)


@pytest.fixture(autouse=True)
def real_time() -> Iterator[None]:
    yield
    clock.reset()
