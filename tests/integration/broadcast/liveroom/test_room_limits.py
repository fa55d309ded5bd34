"""The room under abuse from one address: too many sockets are refused at the handshake, a comment
flood spread over fresh sockets gets error frames (the sockets stay), other addresses are served.
The app trusts loopback as its proxy, so each test client names its address in X-Forwarded-For."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
import websockets
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.factories_liveroom import LiveSetup, live_session, serving, viewer
from tests.waiting import eventually

SOCKETS = 3
COMMENTS = 4


@pytest.fixture(params=["memory-sqlite", "redis-postgres"])
def limited_room_app(request: pytest.FixtureRequest) -> Litestar:
    limits = {
        "rate_limit_exempt": "",  # loopback is exempt by default in development
        "trusted_proxies": "127.0.0.1",
        "room_sockets_per_address": SOCKETS,
        "rate_limit_comment": f"{COMMENTS}/minute",
        "rate_limit_address_factor": 1,
    }
    if request.param == "memory-sqlite":
        url = request.getfixturevalue("sqlite_url")
        empty_tables(url)
        return create_app(make_settings(url, **limits))
    redis = {"redis_url": request.getfixturevalue("redis_url")}
    redis["redis_namespace"] = request.getfixturevalue("redis_namespace")
    return create_app(make_settings(request.getfixturevalue("postgres_db_url"), **redis, **limits))


@pytest.fixture
async def live(limited_room_app: Litestar) -> AsyncIterator[LiveSetup]:
    async with serving(limited_room_app) as host:
        yield await live_session(limited_room_app, f"http://{host}")


def phone(address: str) -> dict[str, object]:
    return {"additional_headers": {"X-Forwarded-For": address}}


async def joined(stack: contextlib.AsyncExitStack, live: LiveSetup, address: str):  # type: ignore[no-untyped-def]
    v = await stack.enter_async_context(viewer(live.ws(), **phone(address)))
    await v.wait_for(lambda e: e["type"] == "snapshot")
    return v


async def test_too_many_sockets_from_one_address_are_refused_others_still_join(live):
    async with contextlib.AsyncExitStack() as stack:
        held = [await joined(stack, live, "198.51.100.7") for _ in range(SOCKETS)]
        # when the same address opens one more socket, then the handshake is refused
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(live.ws(), **phone("198.51.100.7"))
        assert refused.value.response.status_code == 403
        # while another address joins
        await joined(stack, live, "198.51.100.8")
        # and once one socket closes, the address may open another
        await held[0].close()

        async def rejoined() -> bool:
            with contextlib.suppress(websockets.InvalidStatus):
                await joined(stack, live, "198.51.100.7")
                return True
            return False

        await eventually(rejoined, 10, "a closed socket's place given back", 0.02)


async def test_a_comment_flood_over_fresh_sockets_gets_error_frames_and_the_sockets_stay(live):
    async with contextlib.AsyncExitStack() as stack:
        a, b = await joined(stack, live, "203.0.113.20"), await joined(stack, live, "203.0.113.20")
        # given one address's allowance spent by two anonymous viewers (each within its own limit)
        for n in range(COMMENTS - 1):
            await a.send({"type": "comment", "text": f"buy {n}"})
        await b.wait_for(lambda e: e["type"] == "comment" and e["text"] == f"buy {COMMENTS - 2}")
        await b.send({"type": "comment", "text": "buy 3"})
        await b.wait_for(lambda e: e["type"] == "comment" and e["text"] == "buy 3")
        # when the second viewer comments again
        await b.send({"type": "comment", "text": "one too many"})
        # then it gets an error frame saying when to retry, and its socket still answers
        error = await b.wait_for(lambda e: e["type"] == "error")
        assert error["code"] == "rate-limited" and error["retry_after"] >= 1
        await b.send({"type": "ping"})
        await b.wait_for(lambda e: e["type"] == "pong")
        assert b.closed is None
        # while a viewer at another address still comments
        other = await joined(stack, live, "203.0.113.21")
        await other.send({"type": "comment", "text": "hello"})
        await a.wait_for(lambda e: e["type"] == "comment" and e["text"] == "hello")
        assert not [e for e in a.events if e.get("text") == "one too many"]
