"""The live dashboard's part of the app: its API, its pages, the outbox consumers that keep the
per-minute series, the sampler, and the `dashboard` feed of the console socket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from broadcast.liveroom.console import FEEDS_STATE
from server.dashboard.controllers import DashboardController, dashboard_feed
from server.dashboard.handlers import EVENT_HANDLERS
from server.dashboard.sampler import sampler
from server.web import dashboard_pages


@asynccontextmanager
async def console_feed(app: Any) -> AsyncIterator[None]:
    app.state.setdefault(FEEDS_STATE, {})["dashboard"] = dashboard_feed
    yield


ROUTE_HANDLERS: list[Any] = [DashboardController, *dashboard_pages.ROUTE_HANDLERS]
LIFESPANS: list[Any] = [console_feed, sampler]
__all__ = ["EVENT_HANDLERS", "LIFESPANS", "ROUTE_HANDLERS"]
