"""The demo's replay (讲解回放): yesterday's show, ended, with its recording attached, so the viewer
page shows a replay that sells — the pinned card following the recording, a chapter per SKU, and a
partner's link that still earns. Idempotent: the show's title is its natural key."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LineupItem, LiveSession, PinEvent, SessionState, Sku
from broadcast.replays.models import MomentKind, ReplayMoment
from distribution.models import Link, LinkTarget, Partner
from distribution.services.links import new_code
from distribution.sharing.codes import new_share_code
from server.kernel.clock import utcnow
from server.kernel.ids import new_id

TITLE = "Yesterday's tasting — replay"
RECORDING = "https://test-streams.mux.dev/x36xhzz/x36xhzz.m3u8"
MINUTE_MS = 60_000
SHOW_MINUTES = 40


async def seed_replay(session: AsyncSession, brand: Brand, skus: list[Sku], sharer: Partner) -> LiveSession:
    found = (await session.exec(select(LiveSession).where(LiveSession.title == TITLE))).first()
    if found is not None:
        return found
    started = utcnow() - timedelta(days=1)
    live = LiveSession(
        id=new_id("ses"),
        brand_id=brand.id,
        title=TITLE,
        playback_url=RECORDING,
        scheduled_start_at=started,
        state=SessionState.REPLAY,
        started_at=started,
        ended_at=started + timedelta(minutes=SHOW_MINUTES),
        replay_url=RECORDING,
        replay_started_at=started + timedelta(minutes=SHOW_MINUTES + 10),
    )
    session.add(live)
    await session.flush()
    for position, sku in enumerate(skus):
        session.add(LineupItem(id=new_id("lnu"), session_id=live.id, sku_id=sku.id, position=position))
        _moments(session, live, started, sku, position)
    session.add(_link(live, sharer))
    await session.flush()
    return live


def _moments(session: AsyncSession, live: LiveSession, started: datetime, sku: Sku, position: int) -> None:
    """Each SKU explained for eight minutes in turn, its price from the start; the last one sells out."""
    pinned_ms = (1 + position * 8) * MINUTE_MS
    at = started + timedelta(milliseconds=pinned_ms)
    price = {"price_minor": sku.price_minor, "list_price_minor": sku.price_minor, "currency": sku.currency}
    rows = [(MomentKind.PRICE, 0, price), (MomentKind.PIN, pinned_ms, {})]
    if position == 3:
        rows.append((MomentKind.SOLD_OUT, pinned_ms + 6 * MINUTE_MS, {}))
    for kind, offset, detail in rows:
        source = f"demo:{live.id}:{sku.id}:{kind}"
        when = started + timedelta(milliseconds=offset)
        session.add(
            ReplayMoment(
                id=new_id("rpm"),
                session_id=live.id,
                kind=kind,
                sku_id=sku.id,
                offset_ms=offset,
                at=when,
                detail=detail,
                source_id=source,
            )
        )
    session.add(PinEvent(id=new_id("pin"), session_id=live.id, sku_id=sku.id, pinned_at=at))


def _link(live: LiveSession, partner: Partner) -> Link:
    return Link(
        id=new_id("lnk"),
        code=new_code(),
        partner_id=partner.id,
        brand_id=live.brand_id,
        target=LinkTarget.SESSION,
        session_id=live.id,
        label="Demo: the replay, shared the next morning",
        share_code=new_share_code(),
    )
