"""Room frames go to the server's own send; everything else keeps the layers' wrappers."""

from __future__ import annotations

from types import SimpleNamespace

from server.app import ZhixiangApp
from server.kernel.frame_send import SCOPE_KEY, frame_sender


async def server_send(message: dict) -> None:
    return None


async def wrapped_send(message: dict) -> None:
    return None


def test_a_socket_whose_scope_holds_the_server_send_sends_frames_with_it():
    socket = SimpleNamespace(scope={"type": "websocket", SCOPE_KEY: server_send}, send=wrapped_send)
    assert frame_sender(socket) is server_send


def test_a_socket_without_it_uses_its_own_send():
    assert frame_sender(SimpleNamespace(scope={"type": "websocket"}, send=wrapped_send)) is wrapped_send
    assert frame_sender(SimpleNamespace(send=wrapped_send)) is wrapped_send  # a test fake with no scope


async def test_the_app_stores_the_server_send_for_websockets_only():
    seen: list[dict] = []
    app = ZhixiangApp(route_handlers=[])
    app.asgi_handler = lambda scope, receive, send: _record(seen, scope)
    websocket, http = {"type": "websocket", "path": "/ws/x"}, {"type": "http", "path": "/"}
    for scope in (websocket, http):
        await app(scope, _receive, server_send)
    assert seen[0][SCOPE_KEY] is server_send
    assert SCOPE_KEY not in seen[1]


async def _record(seen: list[dict], scope: dict) -> None:
    seen.append(scope)


async def _receive() -> dict:
    return {"type": "websocket.connect"}
