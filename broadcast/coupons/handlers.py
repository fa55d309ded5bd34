"""Outbox handlers: what the live room shows when a coupon is dropped or claimed."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.coupons.models import Coupon
from broadcast.coupons.session_end import on_session_over
from broadcast.liveroom.runtime import LiveRoom
from server.kernel.outbox import OutboxEvent


async def _publish(room: LiveRoom | None, session_id: str, body: dict[str, Any]) -> None:
    if room is not None:
        await room.publish(session_id, body)


async def on_coupon_dropped(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    p = event.payload
    card = {k: v for k, v in p.items() if k not in ("session_id", "brand_id")}
    await _publish(room, p["session_id"], {"type": "coupon", **card})


# What this process last told each room about each coupon: a burst of claims delivered together
# reads the same current count, so only the first of them is published (coalescing).
_last_sent: dict[tuple[str, str], int] = {}
MAX_REMEMBERED = 10_000


async def on_coupon_claimed(session: AsyncSession, event: OutboxEvent, *, room: LiveRoom | None) -> None:
    """Publishes the coupon's remaining count as it is NOW, not as of this claim (absolute values,
    applied idempotently by clients), and nothing when the room already has that figure."""
    p = event.payload
    coupon = await session.get(Coupon, p["coupon_id"], populate_existing=True)
    if coupon is None:
        return
    key, remaining = (p["session_id"], coupon.id), coupon.total_limit - coupon.claimed
    if _last_sent.get(key) == remaining:
        return
    if len(_last_sent) >= MAX_REMEMBERED:
        _last_sent.clear()
    _last_sent[key] = remaining
    await _publish(room, p["session_id"], {"type": "coupon_remaining", "coupon_id": coupon.id, "remaining": remaining})


EVENT_HANDLERS: dict[str, list[Any]] = {
    "CouponDropped": [on_coupon_dropped],
    "CouponClaimed": [on_coupon_claimed],
    "SessionStateChanged": [on_session_over],
}
