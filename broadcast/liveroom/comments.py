"""Comments: checked (length, the brand's blocked words, a per-viewer rate limit shared by all
workers), stored, then broadcast; a brand can remove one and every room sees it go."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.liveroom.loader import comment_view
from broadcast.liveroom.models import RoomComment
from broadcast.liveroom.store import RoomStore
from broadcast.models import LiveSession
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.principal import Principal
from server.kernel.problems import NotFound

COMMENTS_PER_WINDOW = 3
COMMENT_WINDOW_S = 10


class CommentRefused(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code, self.detail = code, detail


def author_of(visitor_id: str) -> str:
    """A stable pseudonym: no personal data leaves the server."""
    return "Viewer " + hashlib.sha256(visitor_id.encode()).hexdigest()[:4]


def blocked_word_in(text: str, blocked_words: list[str]) -> str | None:
    lowered = text.casefold()
    return next((word for word in blocked_words if word.casefold() in lowered), None)


async def post_comment(
    maker: async_sessionmaker[AsyncSession],
    store: RoomStore,
    session_id: str,
    visitor_id: str,
    ref: str | None,
    text: str,
    blocked_words: list[str],
) -> dict[str, Any]:
    if blocked_word_in(text, blocked_words):
        raise CommentRefused("blocked", "this comment contains a word the brand does not allow")
    if not await store.allow(f"comment:{session_id}:{visitor_id}", COMMENTS_PER_WINDOW, COMMENT_WINDOW_S):
        raise CommentRefused("rate-limited", f"at most {COMMENTS_PER_WINDOW} comments every {COMMENT_WINDOW_S} s")
    comment = RoomComment(
        id=new_id("cmt"),
        session_id=session_id,
        visitor_id=visitor_id[:64],
        ref=(ref or None) and ref[:64],
        author=author_of(visitor_id),
        text=text,
        created_at=utcnow(),
    )
    async with maker() as session:
        session.add(comment)
        await session.commit()
    view = comment_view(comment)
    await store.append(session_id, {"type": "comment", **view})
    return view


async def delete_comment(db: AsyncSession, principal: Principal, session_id: str, comment_id: str) -> RoomComment:
    live = await db.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    principal.ensure_brand(live.brand_id, "session", session_id)
    comment = await db.get(RoomComment, comment_id)
    if comment is None or comment.session_id != session_id:
        raise NotFound.of("comment", comment_id)
    if comment.deleted_at is None:
        comment.deleted_at, comment.deleted_by_token_id = utcnow(), principal.token_id
        db.add(comment)
        await db.commit()
    return comment
