"""The group sweeper: lapsed seats go back, due groups fill or expire, and an expired group's
money goes back — every paid order refunded in full through Stripe (one deterministic refund key
per seat, so a re-run never refunds twice) and its unit returned to stock, and every unpaid one
closed (its unit released).

Each step reads what is still to do from the database, so a crash anywhere is finished by the
next pass, and a payment that Stripe reports after its group expired is refunded by it too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import close_unpaid, lock_order
from broadcast.checkout.expiry import expire_if_due
from broadcast.checkout.gateway import PaymentGateway, PaymentProviderError
from broadcast.checkout.models import Order, OrderState
from broadcast.checkout.refunds import REFUNDABLE, RefundService
from broadcast.checkout.states import UNPAID
from broadcast.groupbuy import lifecycle
from broadcast.groupbuy.models import Group, GroupMember, GroupState
from broadcast.groupbuy.restock import restock_refunded_seat
from server.kernel.clock import utcnow
from server.kernel.periodic import periodic

log = structlog.get_logger("groupbuy.sweep")
BATCH = 100
Maker = async_sessionmaker[AsyncSession]


@dataclass
class GroupSweep:
    filled: list[str] = field(default_factory=list)  # group codes
    expired: list[str] = field(default_factory=list)
    refunded: list[str] = field(default_factory=list)  # order ids
    closed: list[str] = field(default_factory=list)


async def expire_due_groups(maker: Maker, gateway: PaymentGateway | None) -> GroupSweep:
    """One pass (the lifespan below runs it every `group_sweep_interval_s`; tests call it)."""
    report = GroupSweep()
    await _lapse_unpaid_seats(maker, gateway)
    for group_id, code in await _ids(maker, _groups_to_settle()):
        async with maker() as session:
            state = await lifecycle.settle(session, group_id)
            await session.commit()
        if state == GroupState.FILLED:
            report.filled.append(code)
        elif state == GroupState.EXPIRED:
            report.expired.append(code)
    for member_id, order_id in await _ids(maker, _money_to_return()):
        await _return_money(maker, gateway, member_id, order_id, report)
    for member_id, order_id in await _ids(maker, _units_to_return()):
        async with maker() as session:
            await restock_refunded_seat(session, member_id, order_id)
            await session.commit()
    return report


async def _ids(maker: Maker, stmt: Any) -> list[tuple[str, str]]:
    async with maker() as session:
        return [(a, b) for a, b in (await session.exec(stmt)).all()]


def _groups_to_settle() -> Any:
    """Open groups that are due, full, or hold a seat whose order is no longer payable."""
    lapsed = (
        select(GroupMember.group_id)
        .join(Order, col(Order.id) == col(GroupMember.order_id))
        .where(col(GroupMember.released_at).is_(None), col(Order.state).in_(lifecycle.LAPSED))
    )
    return (
        select(Group.id, Group.code)
        .where(Group.state == GroupState.OPEN)
        .where(
            or_(
                col(Group.expires_at) <= utcnow(),
                col(Group.seats_taken) == col(Group.group_size),
                col(Group.id).in_(lapsed),
            )
        )
        .order_by(col(Group.expires_at))
        .limit(BATCH)
    )


def _money_to_return() -> Any:
    """Seats of expired groups still unpaid or paid, and released seats that were paid late."""
    expired = (col(Group.state) == GroupState.EXPIRED) & col(Order.state).in_(
        [*(s.value for s in UNPAID), *(s.value for s in REFUNDABLE)]
    )
    released_paid = col(GroupMember.released_at).is_not(None) & col(Order.state).in_([s.value for s in REFUNDABLE])
    return (
        select(GroupMember.id, GroupMember.order_id)
        .join(Group, col(Group.id) == col(GroupMember.group_id))
        .join(Order, col(Order.id) == col(GroupMember.order_id))
        .where(or_(expired, released_paid))
        .order_by(col(GroupMember.id))
        .limit(BATCH)
    )


def _units_to_return() -> Any:
    """Refunded seats of expired groups (or released seats paid late) not yet back in stock."""
    return (
        select(GroupMember.id, GroupMember.order_id)
        .join(Group, col(Group.id) == col(GroupMember.group_id))
        .join(Order, col(Order.id) == col(GroupMember.order_id))
        .where(
            or_(Group.state == GroupState.EXPIRED, col(GroupMember.released_at).is_not(None)),
            Order.state == OrderState.REFUNDED,
            col(GroupMember.restocked_at).is_(None),
        )
        .limit(BATCH)
    )


async def _lapse_unpaid_seats(maker: Maker, gateway: PaymentGateway | None) -> None:
    """Unpaid seat orders of open groups past their hold expire (as checkout's sweeper would). A
    processing one (a bank debit on its way) keeps its seat until its longer hold — at most 30
    minutes after the seat was taken, set by the `payment_intent.processing` webhook — and even then
    only if Stripe agrees to cancel it; otherwise the webhook decides."""
    stmt = (
        select(Order.id, GroupMember.id)
        .join(GroupMember, col(GroupMember.order_id) == col(Order.id))
        .join(Group, col(Group.id) == col(GroupMember.group_id))
        .where(
            Group.state == GroupState.OPEN,
            col(Order.state).in_([s.value for s in UNPAID]),
            col(Order.reserved_until) <= utcnow(),
        )
        .limit(BATCH)
    )
    for order_id, _ in await _ids(maker, stmt):
        async with maker() as session:
            try:
                await expire_if_due(session, order_id, gateway)
            except Exception as exc:  # one order must not stop the others
                log.warning("seat expiry failed", order_id=order_id, error=repr(exc))


async def _return_money(
    maker: Maker, gateway: PaymentGateway | None, member_id: str, order_id: str, report: GroupSweep
) -> None:
    async with maker() as session:
        order = await session.get(Order, order_id)
        try:
            if order is not None and order.state in UNPAID:
                if await _close_unpaid(session, gateway, order):
                    report.closed.append(order_id)
            elif order is not None and gateway is not None:
                await RefundService(session, gateway).refund(
                    order_id, None, f"group-expired-{member_id}", "the group did not fill in time", None
                )
                report.refunded.append(order_id)
        except Exception as exc:  # e.g. Stripe down or a twin sweeper on another worker: the next pass retries
            log.warning("group refund failed", order_id=order_id, error=repr(exc))


async def _close_unpaid(session: AsyncSession, gateway: PaymentGateway | None, order: Order) -> bool:
    """Cancel its PaymentIntent first, if it has one (the buyer may never have pressed Pay); if
    Stripe already took the money, or is still taking it (processing), the webhook marks it paid or
    failed and the next pass refunds or closes it."""
    if order.payment_intent_id is not None:
        if gateway is None:
            return False
        try:
            await gateway.cancel_intent(order.payment_intent_id)
        except PaymentProviderError:
            if (await gateway.retrieve_intent(order.payment_intent_id)).status != "canceled":
                return False
    locked = await lock_order(session, order.id)
    closed = locked is not None and await close_unpaid(session, locked, OrderState.EXPIRED, "group_expired")
    await session.commit()
    return closed


async def _sweep_app(app: Any) -> None:
    await expire_due_groups(app.state.sessionmaker, app.state.payment_gateway)


# LIFESPAN: sweep every `group_sweep_interval_s` seconds (0 = off, as in the tests).
group_sweeper = periodic("group-sweeper", lambda app: app.state.settings.group_sweep_interval_s, _sweep_app)
