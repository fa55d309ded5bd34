"""The replay price: the brand keeps the live price for `replay_live_price_days` after the show
ends, then the list price applies (0 days: the list price from the start). Before and during the
live the live price applies, as it always did."""

from __future__ import annotations

from datetime import datetime, timedelta

from broadcast.models import LiveSession, SessionState
from broadcast.schemas import BrandSettings
from server.kernel.clock import as_utc


def live_price_applies(live: LiveSession, settings: BrandSettings, now: datetime) -> bool:
    if live.state != SessionState.REPLAY:
        return True
    if live.ended_at is None or settings.replay_live_price_days <= 0:
        return False
    return as_utc(now) < as_utc(live.ended_at) + timedelta(days=settings.replay_live_price_days)


def replay_price_ends_at(live: LiveSession, settings: BrandSettings) -> datetime | None:
    """When the live price stops for replay buyers (None: it never applied, or the show has not ended)."""
    if live.ended_at is None or settings.replay_live_price_days <= 0:
        return None
    return as_utc(live.ended_at) + timedelta(days=settings.replay_live_price_days)
