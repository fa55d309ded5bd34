"""Replay rules on plain objects: the replay price window (its edge), the SKU pinned at a playback
position, the chapters at each SKU's first pin, and an event's own time deciding a moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from broadcast.models import LiveSession, SessionState
from broadcast.moments import offset_ms
from broadcast.replay_pricing import live_price_applies, replay_price_ends_at
from broadcast.replays.models import MomentKind, ReplayMoment
from broadcast.replays.timeline import chapter_starts, pinned_at
from broadcast.schemas import BrandSettings

START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def show(state: SessionState = SessionState.REPLAY) -> LiveSession:
    return LiveSession(
        id="ses_x", brand_id="brd_x", title="t", scheduled_start_at=START, state=state, started_at=START, ended_at=END
    )


def moment(kind: MomentKind, at_ms: int, sku_id: str | None = None) -> ReplayMoment:
    return ReplayMoment(
        id=f"rpm_{at_ms}_{kind}",
        session_id="ses_x",
        kind=kind,
        sku_id=sku_id,
        offset_ms=at_ms,
        at=START,
        detail={},
        source_id=f"s{at_ms}{kind}",
    )


def test_the_live_price_holds_for_the_brands_days_then_the_list_price():
    three_days = BrandSettings(replay_live_price_days=3)
    edge = END + timedelta(days=3)
    assert live_price_applies(show(), three_days, edge - timedelta(seconds=1))
    assert not live_price_applies(show(), three_days, edge)
    assert replay_price_ends_at(show(), three_days) == edge
    # 0 days (the default): the list price at once; before and during the show: the live price
    assert not live_price_applies(show(), BrandSettings(), END + timedelta(seconds=1))
    assert replay_price_ends_at(show(), BrandSettings()) is None
    assert live_price_applies(show(SessionState.LIVE), BrandSettings(), END + timedelta(days=9))


def test_the_pinned_sku_at_a_position_and_the_chapters():
    moments = [
        moment(MomentKind.PRICE, 0, "a"),
        moment(MomentKind.PIN, 1_000, "a"),
        moment(MomentKind.PIN, 60_000, "b"),
        moment(MomentKind.SOLD_OUT, 90_000, "b"),
        moment(MomentKind.PIN, 120_000, None),
        moment(MomentKind.PIN, 180_000, "a"),
    ]
    assert [pinned_at(moments, at) for at in (0, 1_000, 59_999, 60_000, 100_000, 120_000, 200_000)] == [
        None,
        "a",
        "a",
        "b",
        "b",
        None,
        "a",
    ]
    assert chapter_starts(moments) == {"a": 1_000, "b": 60_000}


def test_offsets_count_from_the_go_live_and_never_go_negative():
    assert offset_ms(show(), START + timedelta(minutes=2, milliseconds=5)) == 120_005
    assert offset_ms(show(), START - timedelta(seconds=2)) == 0
