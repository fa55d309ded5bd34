"""The room counts each visitor who opens it once (the dashboard's unique viewers), on both store
adapters; the brand's console socket is not a viewer."""

from __future__ import annotations

from broadcast.liveroom import runtime
from tests.factories_liveroom import viewer


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
