"""Outbox handlers: a paid seat may fill its group. Every group change reaches the live room as a
`{"type": "group", ...}` message through the room's own handlers (`broadcast.liveroom.handlers`),
so group-buy never imports the room."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.groupbuy import lifecycle
from broadcast.groupbuy.models import Group, GroupMember, GroupState
from server.kernel.outbox import OutboxEvent, batched


async def _settle_seat(session: AsyncSession, member: GroupMember) -> None:
    """The last seat paid fills the group; any other paid seat updates its 'paid' count."""
    state = await lifecycle.settle(session, member.group_id, may_expire=False)  # expiry refunds: the sweeper's job
    group = await session.get(Group, member.group_id)
    if state is None and group is not None and group.state == GroupState.OPEN:
        await lifecycle.announce(session, group, "GroupSeatsChanged")


async def on_orders_paid(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    """A batch: one read finds the paid orders that hold a seat (most hold none)."""
    order_ids = [e.payload.get("order_id") for e in events]
    stmt = select(GroupMember).where(col(GroupMember.order_id).in_(order_ids)).order_by(col(GroupMember.order_id))
    for member in (await session.exec(stmt)).all():
        await _settle_seat(session, member)


@batched(on_orders_paid)
async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    await on_orders_paid(session, [event])


EVENT_HANDLERS: dict[str, list[Any]] = {
    "OrderPaid": [on_order_paid],
}
