"""How a group reads from outside: seats taken and paid, time left, and the link to share it."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderState
from broadcast.groupbuy.models import Group, GroupMember, GroupOffer
from broadcast.groupbuy.offers import GroupOfferService
from broadcast.groupbuy.schemas import GroupPublic
from server.kernel.clock import as_utc

# The shape of a partner link code (distribution's `CODE_SHAPE`, repeated: broadcast does not
# import distribution). Anything else is dropped rather than stored.
REF_SHAPE = re.compile(r"^[A-Za-z0-9_-]{6,24}$")


def clean_ref(ref: str | None) -> str | None:
    return ref if ref and REF_SHAPE.match(ref) else None


def share_path(group: Group) -> str:
    """Through the opener's partner link when there is one, so every joiner is a click on it."""
    if group.ref:
        return f"/l/{quote(group.ref)}?group={group.code}"
    return f"/live/{group.session_id}?group={group.code}"


async def paid_seats(session: AsyncSession, group_id: str) -> tuple[int, datetime | None]:
    """(held seats whose order is paid, when the last of them was paid)."""
    stmt = (
        sa.select(sa.func.count(), sa.func.max(col(Order.paid_at)))
        .select_from(GroupMember)
        .join(Order, col(Order.id) == col(GroupMember.order_id))
        .where(
            col(GroupMember.group_id) == group_id,
            col(GroupMember.released_at).is_(None),
            col(Order.state) == OrderState.PAID,
        )
    )
    count, last = (await session.execute(stmt)).one()
    return int(count), last


async def seats_paid(session: AsyncSession, group_id: str) -> int:
    return (await paid_seats(session, group_id))[0]


def room_payload(group: Group, paid: int) -> dict[str, object]:
    return {
        "group_id": group.id,
        "code": group.code,
        "session_id": group.session_id,
        "offer_id": group.offer_id,
        "state": group.state,
        "seats_taken": group.seats_taken,
        "seats_paid": paid,
        "group_size": group.group_size,
        "expires_at": as_utc(group.expires_at).isoformat(),
    }


async def group_public(session: AsyncSession, group: Group, base_url: str) -> GroupPublic:
    offer = await session.get(GroupOffer, group.offer_id)
    assert offer is not None
    path = share_path(group)
    return GroupPublic(
        code=group.code,
        session_id=group.session_id,
        state=group.state,
        offer=await GroupOfferService(session).public(offer),
        seats_taken=group.seats_taken,
        seats_paid=await seats_paid(session, group.id),
        group_size=group.group_size,
        expires_at=as_utc(group.expires_at),
        filled_at=group.filled_at,
        share_path=path,
        share_url=base_url.rstrip("/") + path,
    )
