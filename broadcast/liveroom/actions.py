"""What a viewer's valid message does in the room: likes and cart intents go to the shared
counters (broadcast coalesced), comments are checked, stored and broadcast."""

from __future__ import annotations

from typing import Any

from broadcast.liveroom import runtime
from broadcast.liveroom.comments import CommentRefused, post_comment
from broadcast.liveroom.connection import Connection
from broadcast.liveroom.events import encode, error
from broadcast.liveroom.messages import Cart, Comment, Like, Message, Ping
from broadcast.liveroom.room import Room
from broadcast.liveroom.store import WAITING
from server.kernel.client_address import client_address
from server.kernel.rate_limit import rate_limits_of


async def handle(app: Any, room: Room, connection: Connection, message: Message) -> None:
    if isinstance(message, Ping):
        connection.answer(encode({"type": "pong"}))
        return
    assert room.state is not None
    if not room.state.is_live:
        connection.answer(
            error(
                "not-live",
                f"the session is {room.state.session.get('state')}; likes, comments and carts open when it goes live",
            )
        )
        return
    store = runtime.of(app).store
    if isinstance(message, Like):
        # sent to the store by the room's next tick (the visitor too: likers may enter a lottery)
        room.buffer_likes(message.count, connection.ref, connection.visitor_id)
    elif isinstance(message, Cart):
        await _cart(room, connection, message, store)
    elif isinstance(message, Comment):
        await _comment(app, room, connection, message)


async def _cart(room: Room, connection: Connection, message: Cart, store: Any) -> None:
    assert room.state is not None
    if message.sku_id not in room.state.sku_ids():
        connection.answer(error("invalid", "that SKU is not in this session's line-up"))
        return
    status = await store.cart(room.session_id, message.sku_id, message.quantity, connection.ref)
    room.counters_pending = room.counters_pending or status == WAITING


async def _comment(app: Any, room: Room, connection: Connection, message: Comment) -> None:
    assert room.state is not None
    # Per address too: a fresh socket is a fresh anonymous viewer, so the per-viewer limit alone
    # would not stop one machine opening sockets to flood the room.
    address = client_address(getattr(connection.socket, "scope", {}))
    wait_s = await rate_limits_of(app).check("comment", address, connection.visitor_id)
    if wait_s:
        detail = f"too many comments from this address; retry in {wait_s} s"
        connection.answer(encode({"type": "error", "code": "rate-limited", "detail": detail, "retry_after": wait_s}))
        return
    try:
        await post_comment(
            app.state.sessionmaker,
            runtime.of(app).store,
            room.session_id,
            connection.visitor_id,
            connection.ref,
            message.text,
            room.state.blocked_words,
        )
    except CommentRefused as refused:
        connection.answer(error(refused.code, refused.detail))
