"""The dashboard's arithmetic on stored minutes: likes and watch time per minute from sampled
running totals, the 5-minute windows (per viewer too), and pin windows with what each pin sold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broadcast.checkout.models import Order, OrderLine
from broadcast.models import PinEvent
from server.dashboard.curves import buyers_window, likes_per_minute, per_viewer_windows, series, windows
from server.dashboard.models import SessionMinute
from server.dashboard.skus import pin_windows, top_skus

T0 = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def minute(i: int, **values: int) -> SessionMinute:
    return SessionMinute(session_id="lse_1", minute=T0 + timedelta(minutes=i), **values)


def test_likes_per_minute_are_the_growth_of_the_sampled_total_carried_over_unsampled_minutes():
    rows = [minute(0, likes_total=8), minute(1), minute(2, likes_total=12), minute(3, likes_total=11)]
    assert likes_per_minute(rows) == [8, 0, 4, 0]


def test_windows_compare_the_last_five_minutes_with_the_five_before():
    rows = [minute(i, orders=1, gmv_minor=100 * i, online_peak=i) for i in range(12)]
    got = windows(series(rows), T0 + timedelta(minutes=11, seconds=30))
    assert (got["orders"].last, got["orders"].previous) == (5, 5)
    assert (got["gmv_minor"].last, got["gmv_minor"].previous) == (
        100 * (7 + 8 + 9 + 10 + 11),
        100 * (2 + 3 + 4 + 5 + 6),
    )
    assert (got["online"].last, got["online"].previous) == (11, 6)  # the peak, not a sum


def test_watch_time_per_minute_is_the_growth_of_the_measured_total():
    rows = [minute(0, watch_s_total=90), minute(1), minute(2, watch_s_total=400), minute(3, watch_s_total=390)]
    assert series(rows).watch_s == [90, 0, 310, 0]


def test_gmv_per_viewer_conversion_and_watch_time_compare_the_windows_per_peak_viewer():
    # given ten minutes: 4 then 8 online at the peak, 100 then 250 of GMV a minute, 60 s watched per viewer-minute
    rows = [
        minute(i, online_peak=4 if i < 5 else 8, gmv_minor=100 if i < 5 else 250, watch_s_total=0) for i in range(10)
    ]
    watched = 0
    for row in rows:
        watched += row.online_peak * 60
        row.watch_s_total = watched
    anchor = T0 + timedelta(minutes=9, seconds=10)
    got = windows(series(rows), anchor)
    paid = [(T0 + timedelta(minutes=1), "v1"), (T0 + timedelta(minutes=6), "v2"), (T0 + timedelta(minutes=7), "v3")]
    got["buyers"] = buyers_window(paid, anchor)
    # when the per-viewer windows are derived
    per = per_viewer_windows(got)
    # then each is the window's total over its peak online
    assert (per["uv_value_minor"].last, per["uv_value_minor"].previous) == (5 * 250 // 8, 5 * 100 // 4)
    assert (per["conversion"].last, per["conversion"].previous) == (0.25, 0.25)
    assert (per["avg_watch_s"].last, per["avg_watch_s"].previous) == (300, 300)


def test_a_window_with_no_viewers_is_zero_not_a_division_error():
    got = windows(series([minute(0, gmv_minor=500)]), T0)
    got["buyers"] = buyers_window([], T0)
    per = per_viewer_windows(got)
    assert [(w.last, w.previous) for w in per.values()] == [(0, 0)] * 3


def test_a_pin_lasts_until_the_next_pin_or_unpin_and_its_buyers_count_for_it():
    pins = [
        PinEvent(id="p1", session_id="lse_1", sku_id="sku_a", pinned_at=T0),
        PinEvent(id="p2", session_id="lse_1", sku_id=None, pinned_at=T0 + timedelta(minutes=2)),
        PinEvent(id="p3", session_id="lse_1", sku_id="sku_b", pinned_at=T0 + timedelta(minutes=3)),
    ]
    end = T0 + timedelta(minutes=5)
    assert pin_windows(pins, end) == {
        "sku_a": [(T0, T0 + timedelta(minutes=2))],
        "sku_b": [(T0 + timedelta(minutes=3), end)],
    }
    orders = [
        _order("o1", "v1", T0 + timedelta(minutes=1), 300, refunded=100),
        _order("o2", "v2", T0 + timedelta(minutes=2, seconds=30), 200),
    ]
    lines = [
        OrderLine(
            id="l1",
            order_id="o1",
            sku_id="sku_a",
            title="A",
            quantity=1,
            unit_price_minor=100,
            amount_minor=100,
            currency="CNY",
        ),
        OrderLine(
            id="l2",
            order_id="o1",
            sku_id="sku_b",
            title="B",
            quantity=1,
            unit_price_minor=200,
            amount_minor=200,
            currency="CNY",
        ),
        OrderLine(
            id="l3",
            order_id="o2",
            sku_id="sku_a",
            title="A",
            quantity=2,
            unit_price_minor=100,
            amount_minor=200,
            currency="CNY",
        ),
    ]
    minutes = [minute(i, online_peak=10 - i) for i in range(6)]
    rows = {r.sku_id: r for r in top_skus(orders, lines, pins, minutes, end, {})}
    # the 100 refunded is spread 1:2 over o1's lines; o2 was paid while nothing was pinned
    assert (rows["sku_a"].gmv_minor, rows["sku_b"].gmv_minor) == (100 - 33 + 200, 200 - 67)
    assert (rows["sku_a"].units, rows["sku_a"].pin_buyers, rows["sku_a"].pin_conversion) == (3, 1, 0.1)
    assert (rows["sku_b"].pin_buyers, rows["sku_b"].pin_conversion) == (0, 0.0)
    assert rows["sku_a"].pinned_s == 120


def _order(order_id: str, visitor: str, paid_at: datetime, amount: int, refunded: int = 0) -> Order:
    return Order(
        id=order_id,
        brand_id="brd_1",
        session_id="lse_1",
        visitor_id=visitor,
        idempotency_key=order_id,
        state="paid",
        currency="CNY",
        amount_minor=amount,
        refunded_minor=refunded,
        reserved_until=paid_at,
        paid_at=paid_at,
    )
