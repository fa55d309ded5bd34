"""The room counts each visitor who opens it once (the dashboard's unique viewers) and measures
how long each watched (join to leave, once however many tabs), on both store adapters; the
brand's console socket is not a viewer."""

from __future__ import annotations

from broadcast.liveroom import runtime
from server.kernel import clock
from server.kernel.clock import utcnow
from tests.factories_liveroom import viewer
from tests.waiting import eventually


async def test_each_visitor_who_opens_the_room_counts_once(live, room_app):
    cookie = {"additional_headers": {"Cookie": "zx_vid=vis_same"}}
    console = f"ws://{live.host}/ws/console/sessions/{live.session_id}?token={live.brand_token}"
    async with viewer(live.ws(), **cookie) as a, viewer(live.ws(), **cookie) as b, viewer(live.ws()) as c:
        for socket in (a, b, c):
            await socket.wait_for(lambda e: e["type"] == "snapshot")
        async with viewer(console) as brand:
            await brand.wait_for(lambda e: e["type"] == "snapshot")
    # the same visitor twice, one anonymous visitor; the console does not count
    assert await runtime.of(room_app).store.unique_viewers(live.session_id) == 2


async def test_watch_time_is_each_visitors_join_to_leave_once_however_many_tabs(live, room_app):
    # given a visitor with two tabs, an anonymous visitor and the brand's console, 30 s (injected clock)
    store = runtime.of(room_app).store
    cookie = {"additional_headers": {"Cookie": "zx_vid=vis_tabs"}}
    console = f"ws://{live.host}/ws/console/sessions/{live.session_id}?token={live.brand_token}"
    opening = utcnow()
    async with (
        viewer(live.ws(), **cookie) as a,
        viewer(live.ws(), **cookie) as b,
        viewer(live.ws()) as c,
        viewer(console) as brand,
    ):
        for socket in (a, b, c, brand):
            await socket.wait_for(lambda e: e["type"] == "snapshot")
        opened = utcnow()
        clock.advance(30)
        closing = utcnow()
    closed = utcnow()
    # then two visitors watched 30 s each: the second tab and the console add nothing
    at_least = int(2 * (closing - opened).total_seconds() * 1000)
    at_most = int(2 * (closed - opening).total_seconds() * 1000) + 2
    watched = await eventually(
        lambda: _watched_at_least(store, live.session_id, at_least), what="both visits handed to the store"
    )
    assert at_least <= watched <= at_most


async def _watched_at_least(store, session_id: str, ms: int) -> int | None:
    watched = await store.watch_ms(session_id)
    return watched if watched >= ms else None
