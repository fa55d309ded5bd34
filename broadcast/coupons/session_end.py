"""A session that ends (or is cancelled) stops its coupon drops: each open drop gets `closed_at`
and the room is told with the card's new state (a `coupon` message, `closed_at` set). The coupon
itself stays the brand's; claims already made keep their value. Idempotent: a redelivered event
finds every drop closed and publishes nothing."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.drops import room_view
from broadcast.coupons.models import Coupon, CouponDrop
from broadcast.liveroom.runtime import LiveRoom
from broadcast.models import SessionState
from server.kernel.clock import utcnow
from server.kernel.contracts import SessionStateChanged
from server.kernel.outbox import OutboxEvent

OVER = frozenset({SessionState.ENDED.value, SessionState.CANCELLED.value})


async def close_drops(db: AsyncSession, session_id: str) -> list[tuple[Coupon, CouponDrop]]:
    """Marks the session's open drops closed (not committed: the caller's transaction) and returns them."""
    stmt = (
        select(Coupon, CouponDrop)
        .join(CouponDrop, col(CouponDrop.coupon_id) == col(Coupon.id))
        .where(col(CouponDrop.session_id) == session_id, col(CouponDrop.closed_at).is_(None))
        .order_by(col(CouponDrop.id))
    )
    rows = list((await db.exec(stmt)).all())
    now = utcnow()
    for _, drop in rows:
        drop.closed_at = now
        db.add(drop)
    await db.flush()
    return rows


async def on_session_over(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    """The dispatcher commits the closing with its (event, handler) record."""
    changed = SessionStateChanged.read(event.payload, event.version)
    if changed.state not in OVER:
        return
    closed = await close_drops(session, changed.session_id)
    if room is None:  # e.g. a CLI process has no live room to publish from
        return
    for coupon, drop in closed:
        card = room_view(coupon, drop).model_dump(mode="json", exclude={"claimed_by_me"})
        await room.publish(changed.session_id, {"type": "coupon", **card})
