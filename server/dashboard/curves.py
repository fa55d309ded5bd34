"""The per-minute curves and the 5-minute windows, from the stored minutes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from server.dashboard.minutes import floor_minute
from server.dashboard.models import SessionMinute
from server.dashboard.schemas import Series, Window
from server.kernel.clock import as_utc

WINDOW_MIN = 5
WINDOWED = ("gmv_minor", "orders", "likes", "comments", "cart_adds", "clicks", "online")


def likes_per_minute(rows: Sequence[SessionMinute]) -> list[int]:
    """Likes in each minute: the growth of the sampled running total (a minute with no sample
    carries the total before it, so nothing is counted twice)."""
    out, best = [], 0
    for row in rows:
        total = max(best, row.likes_total)
        out.append(total - best)
        best = total
    return out


def series(rows: Sequence[SessionMinute]) -> Series:
    return Series(
        minutes=[as_utc(r.minute) for r in rows],
        online=[r.online_peak for r in rows],
        gmv_minor=[r.gmv_minor for r in rows],
        orders=[r.orders for r in rows],
        likes=likes_per_minute(rows),
        comments=[r.comments for r in rows],
        cart_adds=[r.cart_adds for r in rows],
        clicks=[r.clicks for r in rows],
    )


def windows(curves: Series, anchor: datetime) -> dict[str, Window]:
    """Each figure over the last WINDOW_MIN minutes (the anchor's minute included) against the
    WINDOW_MIN before; `online` is the peak, the others are sums."""
    end = floor_minute(anchor)
    last_from = end - timedelta(minutes=WINDOW_MIN - 1)
    prev_from = last_from - timedelta(minutes=WINDOW_MIN)
    out = {}
    for name in WINDOWED:
        values = getattr(curves, name)
        last = [v for m, v in zip(curves.minutes, values, strict=True) if last_from <= m <= end]
        prev = [v for m, v in zip(curves.minutes, values, strict=True) if prev_from <= m < last_from]
        out[name] = Window(last=_total(name, last), previous=_total(name, prev))
    return out


def _total(name: str, values: list[int]) -> int:
    return max(values, default=0) if name == "online" else sum(values)


def buyers_window(paid: list[tuple[datetime, str]], anchor: datetime) -> Window:
    """Distinct buyers paid in the last WINDOW_MIN minutes against the WINDOW_MIN before."""
    end = floor_minute(anchor) + timedelta(minutes=1)
    last_from = end - timedelta(minutes=WINDOW_MIN)
    prev_from = last_from - timedelta(minutes=WINDOW_MIN)
    last = {who for at, who in paid if last_from <= at < end}
    prev = {who for at, who in paid if prev_from <= at < last_from}
    return Window(last=len(last), previous=len(prev))


def viewer_seconds(rows: Sequence[SessionMinute]) -> int:
    """Σ over minutes of the mean sampled online count × 60 s."""
    return sum(r.online_sum * 60 // r.online_samples for r in rows if r.online_samples)
