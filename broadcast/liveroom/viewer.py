"""The viewer's socket `/ws/sessions/{session_id}`: join (snapshot or resume), then read the
viewer's messages while the connection's pump sends the room's events."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any

import structlog
from litestar import WebSocket, websocket

from broadcast.liveroom import runtime
from broadcast.liveroom.actions import handle
from broadcast.liveroom.connection import Connection
from broadcast.liveroom.events import error
from broadcast.liveroom.flood import CLOSE_FLOOD, FloodGuard
from broadcast.liveroom.hub import RoomHub
from broadcast.liveroom.messages import Rejected, parse
from broadcast.liveroom.room import Room
from server.kernel.cookies import ATTRIBUTION_COOKIE, REF_PARAM, VISITOR_COOKIE
from server.kernel.referrals import vouched_ref

log = structlog.get_logger("liveroom")
CLOSE_NOT_FOUND = 4404
CLOSE_ENDED = 4410
CLOSE_UNAVAILABLE = 1013  # "try again later"


def last_seq_of(socket: WebSocket[Any, Any, Any]) -> int | None:
    value = socket.query_params.get("last_seq")
    return int(value) if value is not None and value.isdigit() and len(value) < 16 else None


def visitor_of(socket: WebSocket[Any, Any, Any]) -> str:
    value = socket.cookies.get(VISITOR_COOKIE) or ""
    return value[:64] if value else "anon-" + secrets.token_urlsafe(12)


async def ref_of(socket: WebSocket[Any, Any, Any]) -> str | None:
    """The link code this socket counts for: only one this browser's own click backs (see
    server/kernel/referrals.py); a code merely written on the URL counts for nobody."""
    ref = (socket.query_params.get(REF_PARAM) or "")[:64] or None
    visitor = (socket.cookies.get(VISITOR_COOKIE) or "")[:64] or None
    return await vouched_ref(socket.app.state, ref, visitor, socket.cookies.get(ATTRIBUTION_COOKIE))


@websocket("/ws/sessions/{session_id:str}")
async def viewer_socket(socket: WebSocket[Any, Any, Any], session_id: str) -> None:
    await socket.accept()
    connection = Connection(socket, visitor_of(socket), ref=await ref_of(socket))
    await serve(socket, connection, session_id)


async def serve(socket: WebSocket[Any, Any, Any], connection: Connection, session_id: str) -> None:
    """Join the room, run the pump and the reader until either ends, then leave."""
    hub: RoomHub = runtime.of(socket.app).hub
    try:
        room = await hub.room(session_id)
    except Exception as exc:  # Redis or the database away: a clean close the page retries
        log.warning("room unavailable", session_id=session_id, error=repr(exc))
        await connection.close(CLOSE_UNAVAILABLE, "the live room is briefly unavailable; retrying")
        return
    if room is None:
        await connection.close(CLOSE_NOT_FOUND, "no such live session")
        return
    first = room.attach(connection, last_seq_of(socket))
    if not connection.console:
        await _note_viewer(hub, session_id, connection.visitor_id)
    try:
        if room.state is not None and room.state.is_closed:
            await connection.send_now(first)  # the final state, then a clean close (below)
            return
        await _run(socket, connection, room, first)
    finally:
        room.detach(connection)
        hub.release(room)
        if room.state is not None and room.state.is_closed:
            await connection.close(CLOSE_ENDED, "this live session has ended")
        await connection.close(1000, "")  # a no-op if already closed


async def _note_viewer(hub: RoomHub, session_id: str, visitor_id: str) -> None:
    """Counted for the dashboard's unique viewers; Redis away only loses this count, not the room."""
    try:
        await hub.store.note_viewer(session_id, visitor_id)
    except Exception as exc:
        log.warning("unique viewer not counted (Redis away?)", session_id=session_id, error=repr(exc))


async def _run(socket: WebSocket[Any, Any, Any], connection: Connection, room: Room, first: list[str]) -> None:
    pump = connection.pump_task = asyncio.create_task(_pump_safely(connection, first))
    reader = asyncio.create_task(read(socket, connection, room))
    try:
        await asyncio.wait({pump, reader}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        connection.closed.set()
        for task in (pump, reader):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def _pump_safely(connection: Connection, first: list[str]) -> None:
    with contextlib.suppress(Exception):  # a peer that vanished mid-send just ends the connection
        await connection.pump(first)


async def read(socket: WebSocket[Any, Any, Any], connection: Connection, room: Room) -> None:
    guard = FloodGuard()
    while not connection.closed.is_set():
        message = await socket.receive()
        if message["type"] == "websocket.disconnect":
            return
        if not guard.admit():
            if guard.should_close:
                await connection.send_now(connection.queue.take())  # the pending errors say why
                await connection.close(CLOSE_FLOOD, "too many messages; slow down and reconnect")
                return
            if guard.strikes == 1 or guard.strikes % 10 == 0:
                connection.answer(error("rate-limited", "too many messages: at most 20 a second"))
            continue
        text, data = message.get("text"), message.get("bytes")
        parsed = parse(text if isinstance(text, str) else data if isinstance(data, bytes) else None)
        if isinstance(parsed, Rejected):
            connection.answer(error(parsed.code, parsed.detail))
            continue
        try:
            await handle(socket.app, room, connection, parsed)
        except Exception as exc:  # e.g. Redis or the database briefly away: say so, keep the socket
            log.warning("room message failed", session_id=room.session_id, error=repr(exc))
            connection.answer(error("unavailable", "that did not go through; please try again"))
