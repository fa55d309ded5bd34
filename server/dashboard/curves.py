"""The per-minute curves and the 5-minute windows, from the stored minutes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from server.dashboard.minutes import floor_minute
from server.dashboard.models import SessionMinute
from server.dashboard.schemas import Series, Window
from server.kernel.clock import as_utc

WINDOW_MIN = 5
WINDOWED = ("gmv_minor", "orders", "likes", "comments", "cart_adds", "clicks", "online", "watch_s")


def growth_per_minute(rows: Sequence[SessionMinute], total: str) -> list[int]:
    """A sampled running total (likes, watch time) per minute: its growth in each minute (a minute
    with no sample carries the total before it, so nothing is counted twice)."""
    out, best = [], 0
    for row in rows:
        now = max(best, getattr(row, total))
        out.append(now - best)
        best = now
    return out


def likes_per_minute(rows: Sequence[SessionMinute]) -> list[int]:
    return growth_per_minute(rows, "likes_total")


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
        watch_s=growth_per_minute(rows, "watch_s_total"),
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


def per_viewer_windows(windows: dict[str, Window]) -> dict[str, Window]:
    """GMV per viewer, conversion to paid and average watch time, each window against the one
    before. A window's viewers are its peak online (the most watching at once, as sampled): the
    room keeps no per-window count of distinct visitors, and the peak never exceeds it."""
    viewers = windows["online"]
    return {
        "uv_value_minor": _per(windows["gmv_minor"], viewers, lambda part, whole: part // whole),
        "conversion": _per(windows["buyers"], viewers, lambda part, whole: round(part / whole, 4)),
        "avg_watch_s": _per(windows["watch_s"], viewers, lambda part, whole: part // whole),
    }


def _per(part: Window, whole: Window, divide: Callable[[int, int], int | float]) -> Window:
    def one(p: int | float, w: int | float) -> int | float:
        return divide(int(p), int(w)) if w else 0

    return Window(last=one(part.last, whole.last), previous=one(part.previous, whole.previous))
