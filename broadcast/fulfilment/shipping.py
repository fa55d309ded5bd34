"""Shipping: a parcel (carrier, tracking number, lines) for a paid order. The order becomes
partially shipped, or shipped once every unit is in a parcel; then its automatic delivery is due
after the brand's `auto_delivery_days`. One parcel per call, all or nothing, `OrderShipped` with it."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.models import Order
from broadcast.fulfilment import states
from broadcast.fulfilment.models import Fulfilment, Parcel
from broadcast.fulfilment.quantities import checked_lines, units_of
from broadcast.fulfilment.schemas import ParcelCreate
from broadcast.models import Brand
from broadcast.services.brands import brand_settings
from server.kernel.clock import utcnow
from server.kernel.contracts import OrderShipped
from server.kernel.contracts.fulfilment import ParcelLine
from server.kernel.ids import new_id
from server.kernel.outbox import emit
from server.kernel.principal import Principal
from server.kernel.problems import Conflict, NotFound


class TrackingNumberUsed(Conflict):
    slug, title = "tracking-number-used", "This tracking number is already on one of the brand's parcels"


class NothingToShip(Conflict):
    slug, title = "nothing-to-ship", "Every unit of this order is already shipped"


async def brand_order(session: AsyncSession, principal: Principal, order_id: str) -> Order:
    """The order under its row lock, if the principal's brand owns it (else 404, as reads are)."""
    order = await lock_order(session, order_id)
    if order is None:
        raise NotFound.of("order", order_id)
    principal.ensure_brand(order.brand_id, "order", order_id)
    return order


async def ship(session: AsyncSession, order: Order, data: ParcelCreate) -> Parcel:
    """Add one parcel to the locked order in the caller's transaction (the caller commits)."""
    states.check(order, Fulfilment.SHIPPED)  # the payment state and the step, before the lines
    units = await units_of(session, order.id)
    wanted = [(w.line_id, w.quantity) for w in data.lines] if data.lines is not None else None
    if wanted is None:
        wanted = [(line.id, units.to_ship(line)) for line in units.lines if units.to_ship(line) > 0]
    picked = checked_lines(units, wanted, "to_ship")
    if not picked:
        raise NothingToShip(f"order {order.id} has nothing left to ship")
    await _ensure_new_tracking(session, order.brand_id, data.tracking_number)
    parcel = Parcel(
        id=new_id("pcl"),
        order_id=order.id,
        brand_id=order.brand_id,
        carrier=data.carrier,
        tracking_number=data.tracking_number,
        lines=[{"line_id": line.id, "sku_id": line.sku_id, "quantity": q} for line, q in picked],
        shipped_at=utcnow(),
    )
    session.add(parcel)
    for line, q in picked:
        units.shipped[line.id] += q
    await _move(session, order, parcel, units.all_shipped())
    return parcel


async def _delivery_due(session: AsyncSession, order: Order) -> datetime:
    brand = await session.get(Brand, order.brand_id)
    assert brand is not None
    return utcnow() + timedelta(days=brand_settings(brand).auto_delivery_days)


async def rest_refunded(session: AsyncSession, order: Order) -> None:
    """A partly shipped order whose last unshipped units were refunded instead is now shipped."""
    if order.fulfilment == Fulfilment.PARTIALLY_SHIPPED and (await units_of(session, order.id)).all_shipped():
        states.move(session, order, Fulfilment.SHIPPED, "rest_refunded", await _delivery_due(session, order))


async def _move(session: AsyncSession, order: Order, parcel: Parcel, complete: bool) -> None:
    target = Fulfilment.SHIPPED if complete else Fulfilment.PARTIALLY_SHIPPED
    due = await _delivery_due(session, order) if complete else None
    at = states.move(session, order, target, "shipped", due, {"parcel_id": parcel.id})
    event = OrderShipped(
        order_id=order.id,
        brand_id=order.brand_id,
        parcel_id=parcel.id,
        carrier=parcel.carrier,
        tracking_number=parcel.tracking_number,
        lines=[ParcelLine.model_validate(line) for line in parcel.lines],
        fulfilment=target.value,
        shipped_at=at,
    )
    emit(session, event, order.id)


async def _ensure_new_tracking(session: AsyncSession, brand_id: str, tracking_number: str) -> None:
    stmt = select(sa.func.count()).where(Parcel.brand_id == brand_id, Parcel.tracking_number == tracking_number)
    if (await session.exec(stmt)).one():
        raise TrackingNumberUsed(
            f"tracking number {tracking_number} is already used",
            extra={"errors": [{"field": "tracking_number", "message": "already used"}]},
        )
