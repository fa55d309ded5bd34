"""Outbox handlers: a paid seat may fill its group. Every group change reaches the live room as a
`{"type": "group", ...}` message through the room's own handlers (`broadcast.liveroom.handlers`),
so group-buy never imports the room."""

from __future__ import annotations

from typing import Any

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.groupbuy import lifecycle
from broadcast.groupbuy.models import Group, GroupMember, GroupState
from server.kernel.outbox import OutboxEvent


async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    """The last seat paid fills the group; any other paid seat updates its 'paid' count."""
    order_id = event.payload.get("order_id")
    member = (await session.exec(select(GroupMember).where(GroupMember.order_id == order_id))).first()
    if member is None:
        return
    state = await lifecycle.settle(session, member.group_id, may_expire=False)  # expiry refunds: the sweeper's job
    group = await session.get(Group, member.group_id)
    if state is None and group is not None and group.state == GroupState.OPEN:
        await lifecycle.announce(session, group, "GroupSeatsChanged")


EVENT_HANDLERS: dict[str, list[Any]] = {
    "OrderPaid": [on_order_paid],
}
