"""Rate protection: a partner is never cut mid-day. A decrease takes effect at the next 00:00 in
the brand's time zone and may not be made in the last ten minutes before it (so no change lands
at a midnight the partner could not see coming); an increase applies at once."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.kernel.clock import as_utc
from server.kernel.problems import Conflict, InvalidInput

FREEZE_FROM = time(23, 50)


class DecreaseFrozen(Conflict):
    slug, title = "rate-decrease-frozen", "No rate decrease between 23:50 and midnight"


class Backdated(InvalidInput):
    slug, title = "plan-change-backdated", "A plan change cannot take effect in the past"


def next_midnight(now: datetime, timezone: str) -> datetime:
    """The next 00:00 in `timezone`, in UTC."""
    local = now.astimezone(ZoneInfo(timezone))
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=ZoneInfo(timezone))
    return as_utc(tomorrow)


def effective_at(now: datetime, timezone: str, asked: datetime | None, decrease: bool) -> datetime:
    """When a change asked at `now` applies: `asked` (default now), a decrease not before next midnight."""
    if asked is not None and as_utc(asked) < now:
        raise Backdated(f"effective_at {asked.isoformat()} is before now", extra={"field": "effective_at"})
    when = as_utc(asked) if asked is not None else now
    if not decrease:
        return when
    if now.astimezone(ZoneInfo(timezone)).time() >= FREEZE_FROM:
        raise DecreaseFrozen(f"a decrease may not be made from 23:50 to midnight ({timezone}); try after 00:00")
    return max(when, next_midnight(now, timezone))
