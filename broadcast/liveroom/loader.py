"""Loading a room's durable parts from the database: the session, its line-up, the last comments
and the brand's blocked words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.catalog import live_price_now
from broadcast.liveroom.models import RoomComment
from broadcast.liveroom.recount import durable_cart_adds
from broadcast.liveroom.state import LAST_COMMENTS, RoomState
from broadcast.models import Brand, LiveSession
from broadcast.schemas import BrandSettings
from broadcast.services.lineup import lineup_of


def session_view(live: LiveSession) -> dict[str, Any]:
    return {
        "id": live.id,
        "brand_id": live.brand_id,
        "title": live.title,
        "state": live.state,
        "playback_url": live.playback_url,
        "cover_url": live.cover_url,
        # the page's countdown and the ended show's summary
        "scheduled_start_at": _iso(live.scheduled_start_at),
        "started_at": _iso(live.started_at),
        "ended_at": _iso(live.ended_at),
        "replay_url": live.replay_url,
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def comment_view(comment: RoomComment) -> dict[str, Any]:
    return {"id": comment.id, "author": comment.author, "text": comment.text, "at": comment.created_at.isoformat()}


async def lineup_view(session: AsyncSession, session_id: str) -> list[dict[str, Any]]:
    """As the room prices it now: a replay past its live-price days shows the list price."""
    live = await session.get(LiveSession, session_id)
    items = await lineup_of(session, session_id, live is None or await live_price_now(session, live))
    return [
        item.model_dump(
            mode="json",
            include={
                "sku_id",
                "code",
                "title",
                "image_url",
                "price_minor",
                "list_price_minor",
                "currency",
                "stock",
                "limited_quantity",
            },
        )
        for item in items
    ]


async def last_comments(session: AsyncSession, session_id: str) -> list[dict[str, Any]]:
    stmt = (
        select(RoomComment)
        .where(RoomComment.session_id == session_id, col(RoomComment.deleted_at).is_(None))
        .order_by(col(RoomComment.id).desc())
        .limit(LAST_COMMENTS)
    )
    rows = list((await session.exec(stmt)).all())
    return [comment_view(c) for c in reversed(rows)]


async def load_room(maker: async_sessionmaker[AsyncSession], session_id: str) -> RoomState | None:
    """The room as the database has it, or None when there is no such session. Its `carts` are
    the durable floor of the cart counters (`recount`); the store's counters go on top."""
    async with maker() as session:
        live = await session.get(LiveSession, session_id)
        if live is None:
            return None
        brand = await session.get(Brand, live.brand_id)
        words = BrandSettings.model_validate(brand.settings or {}).blocked_words if brand else []
        state = RoomState(
            session=session_view(live),
            pinned_sku_id=live.pinned_sku_id,
            lineup=await lineup_view(session, session_id),
            blocked_words=list(words),
            carts=await durable_cart_adds(session, session_id),
        )
        state.comments.extend(await last_comments(session, session_id))
        return state
