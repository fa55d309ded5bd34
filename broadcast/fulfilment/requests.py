"""The buyer's after-sales request (售后): refund only (units not shipped, or shipped and not
received) or return and refund (units shipped), with a reason and lines. Priced from the lines'
paid amounts, capped at what is left to refund; auto-approved after the brand's
`aftersale_auto_approve_days` unless the brand decides first. One open request per order."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.models import Order, OrderLine
from broadcast.fulfilment import history
from broadcast.fulfilment.models import Aftersale, AftersaleKind, Fulfilment
from broadcast.fulfilment.progress import AftersaleOpen, open_aftersales
from broadcast.fulfilment.quantities import checked_lines, units_of
from broadcast.fulfilment.schemas import AftersaleCreate
from broadcast.fulfilment.states import PAID_STATES
from broadcast.models import Brand
from broadcast.services.brands import brand_settings
from server.kernel.clock import utcnow
from server.kernel.contracts import AftersaleRequested
from server.kernel.contracts.fulfilment import AftersaleLine
from server.kernel.ids import new_id
from server.kernel.money import split_exact
from server.kernel.outbox import emit
from server.kernel.problems import IllegalTransition, NotFound

F = Fulfilment
# Which request fits where the goods are: refund only until delivery; a return once something shipped.
KINDS_BY_FULFILMENT = {
    F.UNSHIPPED: {AftersaleKind.REFUND_ONLY},
    F.PARTIALLY_SHIPPED: {AftersaleKind.REFUND_ONLY, AftersaleKind.RETURN_REFUND},
    F.SHIPPED: {AftersaleKind.REFUND_ONLY, AftersaleKind.RETURN_REFUND},
    F.DELIVERED: {AftersaleKind.RETURN_REFUND},
    F.COMPLETED: set(),
}


async def buyer_order(session: AsyncSession, order_id: str, visitor_id: str | None) -> Order:
    """The buyer's order under its row lock; another visitor's is 404, as reading it is."""
    order = await lock_order(session, order_id)
    if order is None or visitor_id is None or order.visitor_id != visitor_id:
        raise NotFound.of("order", order_id)
    return order


def _check_kind(order: Order, kind: AftersaleKind) -> None:
    if order.state not in PAID_STATES:
        raise IllegalTransition(f"a {order.state} order has nothing left to refund", extra={"kind": kind.value})
    fulfilment = Fulfilment(order.fulfilment)
    if kind not in KINDS_BY_FULFILMENT[fulfilment]:
        why = "its after-sales period is over" if fulfilment is F.COMPLETED else f"it is {fulfilment.value}"
        raise IllegalTransition(
            f"a {kind.value} request is not possible: {why}", extra={"fulfilment": fulfilment.value}
        )


def price(order: Order, picked: list[tuple[OrderLine, int]]) -> int:
    """The picked units' share of what was paid for their lines, no more than is left to refund."""
    total = sum(
        line.amount_minor if q == line.quantity else split_exact(line.amount_minor, [q, line.quantity - q])[0]
        for line, q in picked
    )
    return min(total, order.amount_minor - order.refunded_minor)


async def request(session: AsyncSession, order: Order, data: AftersaleCreate) -> Aftersale:
    """Record the request on the locked order in the caller's transaction (the caller commits)."""
    kind = AftersaleKind(data.kind)
    _check_kind(order, kind)
    if await open_aftersales(session, order.id):
        raise AftersaleOpen(f"order {order.id} already has an open after-sales request")
    units = await units_of(session, order.id)
    before_shipping = kind is AftersaleKind.REFUND_ONLY and order.fulfilment != F.SHIPPED
    picked = checked_lines(
        units, [(w.line_id, w.quantity) for w in data.lines], "to_ship" if before_shipping else "claimable"
    )
    brand = await session.get(Brand, order.brand_id)
    assert brand is not None
    now = utcnow()
    aftersale = Aftersale(
        id=new_id("afs"),
        order_id=order.id,
        brand_id=order.brand_id,
        kind=kind.value,
        reason=data.reason,
        lines=[{"line_id": line.id, "quantity": q} for line, q in picked],
        before_shipping=before_shipping,
        amount_minor=price(order, picked),
        currency=order.currency,
        auto_approve_at=now + timedelta(days=brand_settings(brand).aftersale_auto_approve_days),
        requested_at=now,
    )
    session.add(aftersale)
    history.note(session, order, "aftersale_requested", aftersale)
    emit(session, requested_event(aftersale), order.id)
    return aftersale


def requested_event(a: Aftersale) -> AftersaleRequested:
    return AftersaleRequested(
        aftersale_id=a.id,
        order_id=a.order_id,
        brand_id=a.brand_id,
        kind=a.kind,
        reason=a.reason,
        lines=[AftersaleLine(line_id=str(x["line_id"]), quantity=int(x["quantity"])) for x in a.lines],
        currency=a.currency,
        amount_minor=a.amount_minor,
        requested_at=a.requested_at,
        auto_approve_at=a.auto_approve_at,
    )
