"""A group's life under its row lock: seats of lapsed orders go back, a full and fully paid group
fills, a group whose time ran out expires. All in the caller's transaction; Stripe is never
called here (refunds and cancellations happen after the commit, in `sweep.py`)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states
from broadcast.checkout.models import Order, OrderState
from broadcast.groupbuy.models import Group, GroupMember, GroupState
from broadcast.groupbuy.views import paid_seats, room_payload, seats_paid
from server.kernel.clock import as_utc, utcnow
from server.kernel.contracts import contract_for
from server.kernel.outbox import emit

GROUPS: Any = Group.__table__  # type: ignore[attr-defined]
MEMBERS: Any = GroupMember.__table__  # type: ignore[attr-defined]
NO_SYNC = {"synchronize_session": False}
LAPSED = (OrderState.CANCELLED.value, OrderState.EXPIRED.value)


async def lock_group(session: AsyncSession, group_id: str) -> Group | None:
    stmt = select(Group).where(Group.id == group_id).with_for_update().execution_options(populate_existing=True)
    return (await session.exec(stmt)).first()


async def announce(session: AsyncSession, group: Group, topic: str) -> None:
    payload = room_payload(group, await seats_paid(session, group.id))
    emit(session, contract_for(topic).model_validate(payload), group.id)


async def release_lapsed_seats(session: AsyncSession, group: Group) -> int:
    """Seats whose orders were cancelled or expired unpaid go back while the group is open. Each
    seat is released by a conditional UPDATE, so two concurrent callers never release one twice."""
    if group.state != GroupState.OPEN:
        return 0
    stmt = (
        select(GroupMember.id)
        .join(Order, col(Order.id) == col(GroupMember.order_id))
        .where(GroupMember.group_id == group.id, col(GroupMember.released_at).is_(None), col(Order.state).in_(LAPSED))
    )
    lapsed = list((await session.exec(stmt)).all())
    if not lapsed:
        return 0
    released: Any = await session.execute(
        sa.update(MEMBERS)
        .where(MEMBERS.c.id.in_(lapsed), MEMBERS.c.released_at.is_(None))
        .values(released_at=utcnow()),
        execution_options=NO_SYNC,
    )
    count = int(released.rowcount)
    if count:
        await session.execute(
            sa.update(GROUPS)
            .where(GROUPS.c.id == group.id, GROUPS.c.seats_taken >= count)
            .values(seats_taken=GROUPS.c.seats_taken - count),
            execution_options=NO_SYNC,
        )
        await session.refresh(group)
        await announce(session, group, "GroupSeatsChanged")
    return count


async def settle(session: AsyncSession, group_id: str, may_expire: bool = True) -> str | None:
    """Lock the group and move it on if it should: 'filled', 'expired' or None (unchanged).

    It fills when all N seats are taken and all N orders were paid before `expires_at` (a payment
    confirmed later does not count: the group expired, that money goes back)."""
    group = await lock_group(session, group_id)
    if group is None or group.state != GroupState.OPEN:
        return None
    await release_lapsed_seats(session, group)
    deadline = as_utc(group.expires_at)
    paid, last_paid_at = await paid_seats(session, group.id)
    if (
        group.seats_taken == group.group_size
        and paid == group.group_size
        and last_paid_at is not None
        and as_utc(last_paid_at) <= deadline
    ):
        await _fill(session, group)
        return GroupState.FILLED.value
    if may_expire and deadline <= utcnow():
        group.state, group.closed_at = GroupState.EXPIRED, utcnow()
        session.add(group)
        await announce(session, group, "GroupExpired")
        return GroupState.EXPIRED.value
    return None


async def _fill(session: AsyncSession, group: Group) -> None:
    """Every seat is paid: the orders proceed as any paid order (a note says why they may)."""
    now = utcnow()
    group.state, group.filled_at, group.closed_at = GroupState.FILLED, now, now
    session.add(group)
    stmt = (
        select(Order)
        .join(GroupMember, col(GroupMember.order_id) == col(Order.id))
        .where(GroupMember.group_id == group.id, col(GroupMember.released_at).is_(None))
    )
    for order in (await session.exec(stmt)).all():
        states.note(session, order, "group_filled", {"group_code": group.code, "group_size": group.group_size})
    await announce(session, group, "GroupFilled")
