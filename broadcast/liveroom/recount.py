"""Rebuilding the counters that live only in Redis after Redis lost them (a restart without
persistence, a key that expired, a failover).

- Carts (units added to carts, per SKU): the database keeps the facts. A unit added is still a
  cart line, or it was checked out and is an order line (checkout deletes the cart lines it
  orders). Group-buy seats are orders that never were in a cart, so they are left out. This
  floor is exact for units added through the HTTP cart; the room's own "cart" intents (a tap
  on the button, no cart line) have no durable trace and are best-effort.
- Likes: nothing durable. The floor is what this worker last knew (never less than the total
  its viewers already saw); likes tapped while Redis was away wait in the room's buffer and are
  added on the first tick after it returns. Likes only other workers knew are lost: best-effort.
- Viewers: rebuilt by presence, which every worker reports each second.

The floors are raised atomically in the store ("at least this"), so workers reloading at the
same time cannot add the same units twice."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import CartItem, Order, OrderLine
from broadcast.groupbuy.models import GroupMember
from broadcast.liveroom.state import RoomState
from broadcast.liveroom.store import Counters, RoomStore


async def durable_cart_adds(session: AsyncSession, session_id: str) -> dict[str, int]:
    """Units per SKU still in carts or ordered from a cart, in this live session."""
    in_carts = (
        select(CartItem.sku_id, func.sum(CartItem.quantity))
        .where(CartItem.session_id == session_id)
        .group_by(col(CartItem.sku_id))
    )
    seats = select(GroupMember.order_id)
    ordered = (
        select(OrderLine.sku_id, func.sum(OrderLine.quantity))
        .join(Order, col(Order.id) == col(OrderLine.order_id))
        .where(Order.session_id == session_id, col(Order.id).not_in(seats))
        .group_by(col(OrderLine.sku_id))
    )
    adds: dict[str, int] = {}
    for stmt in (in_carts, ordered):
        for sku_id, units in (await session.exec(stmt)).all():
            adds[sku_id] = adds.get(sku_id, 0) + int(units or 0)
    return adds


async def rebuilt_counters(
    store: RoomStore, session_id: str, durable_carts: dict[str, int], known: RoomState | None
) -> Counters:
    """The store's counters after raising them to the floors above; `known` is the room's state
    before the reload (None for a room opening now)."""
    carts = dict(durable_carts)
    if known is not None:
        for sku_id, count in known.carts.items():
            carts[sku_id] = max(carts.get(sku_id, 0), count)
    await store.raise_counters(session_id, known.likes if known is not None else 0, carts)
    return await store.counters(session_id)
