"""What the room puts on the wire: every socket gets the same text, uncompressed, even when the
client offers permessage-deflate (as browsers do): no compressor per socket."""

from __future__ import annotations

import contextlib

import websockets

from tests.factories_liveroom import viewer


async def test_the_server_declines_permessage_deflate(live):
    async with websockets.connect(live.ws(), compression="deflate") as socket:
        assert "permessage-deflate" in (socket.request.headers.get("Sec-WebSocket-Extensions") or "")
        assert socket.response.headers.get("Sec-WebSocket-Extensions") is None
        await socket.recv()  # the snapshot arrives as plain text


async def test_every_socket_receives_the_same_text_for_an_event(live):
    async with contextlib.AsyncExitStack() as stack:
        viewers = [await stack.enter_async_context(viewer(live.ws())) for _ in range(3)]
        for v in viewers:
            await v.wait_for(lambda e: e["type"] == "snapshot")
        await viewers[0].send({"type": "like", "count": 3})
        for v in viewers:
            await v.wait_for(lambda e: e["type"] == "likes" and e["total"] == 3)
        frames = [[raw for raw in v.raw if '"likes"' in raw] for v in viewers]
    assert frames[0] and frames[0] == frames[1] == frames[2]
