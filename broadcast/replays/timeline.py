"""Reading the recorded moments: the timeline, the pinned SKU at a playback position, and the
chapters (each SKU → where its explanation starts)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, SessionState
from broadcast.replay_pricing import replay_price_ends_at
from broadcast.replays.models import MomentKind, ReplayMoment
from broadcast.replays.schemas import ChapterPublic, MomentPublic, ReplayPublic
from broadcast.schemas import BrandSettings
from broadcast.services.lineup import lineup_of
from server.kernel.problems import NotFound


async def moments_of(session: AsyncSession, session_id: str) -> list[ReplayMoment]:
    stmt = (
        select(ReplayMoment)
        .where(ReplayMoment.session_id == session_id)
        .order_by(col(ReplayMoment.offset_ms), col(ReplayMoment.id))
    )
    return list((await session.exec(stmt)).all())


def pinned_at(moments: Sequence[ReplayMoment], position_ms: int) -> str | None:
    """The SKU pinned at that point of the recording (the last pin or unpin at or before it)."""
    pinned = None
    for moment in moments:
        if moment.offset_ms > position_ms:
            break
        if moment.kind == MomentKind.PIN:
            pinned = moment.sku_id
    return pinned


def chapter_starts(moments: Sequence[ReplayMoment]) -> dict[str, int]:
    """SKU → the offset of its first pin, in recording order."""
    starts: dict[str, int] = {}
    for moment in moments:
        if moment.kind == MomentKind.PIN and moment.sku_id and moment.sku_id not in starts:
            starts[moment.sku_id] = moment.offset_ms
    return starts


async def replay_of(session: AsyncSession, session_id: str) -> ReplayPublic:
    """What the viewer's page needs for the replay (public: nothing in it is private)."""
    live = await session.get(LiveSession, session_id)
    if live is None:
        raise NotFound.of("session", session_id)
    moments = await moments_of(session, session_id) if live.state == SessionState.REPLAY else []
    items = {item.sku_id: item for item in await lineup_of(session, session_id)}
    chapters = [
        ChapterPublic(sku_id=sku_id, title=items[sku_id].title, image_url=items[sku_id].image_url, offset_ms=at)
        for sku_id, at in chapter_starts(moments).items()
        if sku_id in items
    ]
    brand = await session.get(Brand, live.brand_id)
    settings = BrandSettings.model_validate(brand.settings if brand else {})
    return ReplayPublic(
        session_id=live.id,
        state=live.state,
        replay_url=live.replay_url if live.state == SessionState.REPLAY else None,
        started_at=live.started_at,
        ended_at=live.ended_at,
        live_price_until=replay_price_ends_at(live, settings) if live.state == SessionState.REPLAY else None,
        moments=[MomentPublic.model_validate(m) for m in moments],
        chapters=chapters,
    )
