"""Replay views: a viewer who opens the room while it is a replay, counted once per session, with
the partner link (vouched by the viewer's own click) it came through."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.replays.models import ReplayView


async def note_view(session: AsyncSession, session_id: str, visitor_id: str, ref: str | None) -> bool:
    """True when this is the visitor's first view of this replay."""
    if await session.get(ReplayView, (session_id, visitor_id)) is not None:
        return False
    session.add(ReplayView(session_id=session_id, visitor_id=visitor_id[:64], ref=ref))
    try:
        await session.commit()
    except IntegrityError:  # the same viewer in two tabs at once: one row is enough
        await session.rollback()
        return False
    return True


async def views_by_ref(session: AsyncSession, session_id: str) -> dict[str | None, int]:
    """Replay viewers per link code (None: came by no partner's link)."""
    stmt = select(ReplayView.ref, func.count()).where(ReplayView.session_id == session_id).group_by(col(ReplayView.ref))
    return {ref: int(count) for ref, count in (await session.exec(stmt)).all()}
