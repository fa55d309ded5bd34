"""An order after payment as the buyer's page and the brand's console show it: state, parcels with
tracking, after-sales requests, and which buttons apply."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lines_of
from broadcast.checkout.models import Order
from broadcast.fulfilment.models import OPEN_AFTERSALE, Aftersale, Fulfilment, Parcel
from broadcast.fulfilment.requests import KINDS_BY_FULFILMENT
from broadcast.fulfilment.schemas import AftersalePublic, FulfilmentPublic, ParcelPublic
from broadcast.fulfilment.states import PAID_STATES


async def fulfilment_public(session: AsyncSession, order: Order) -> FulfilmentPublic:
    parcels = (await session.exec(select(Parcel).where(Parcel.order_id == order.id).order_by(col(Parcel.id)))).all()
    stmt = select(Aftersale).where(Aftersale.order_id == order.id).order_by(col(Aftersale.id))
    aftersales = (await session.exec(stmt)).all()
    lines = await lines_of(session, order.id)
    paid = order.state in PAID_STATES
    open_request = any(a.state in OPEN_AFTERSALE for a in aftersales)
    return FulfilmentPublic(
        order_id=order.id,
        state=order.state,
        fulfilment=order.fulfilment,
        currency=order.currency,
        amount_minor=order.amount_minor,
        refunded_minor=order.refunded_minor,
        shipped_at=order.shipped_at,
        delivered_at=order.delivered_at,
        completed_at=order.completed_at,
        next_step_due_at=order.fulfilment_due_at,
        lines=[
            {"id": x.id, "sku_id": x.sku_id, "title": x.title, "quantity": x.quantity, "amount_minor": x.amount_minor}
            for x in lines
        ],
        parcels=[ParcelPublic.model_validate(p) for p in parcels],
        aftersales=[AftersalePublic.model_validate(a) for a in aftersales],
        can_confirm_delivery=paid and order.fulfilment == Fulfilment.SHIPPED,
        can_request_aftersale=paid and not open_request and bool(KINDS_BY_FULFILMENT[Fulfilment(order.fulfilment)]),
    )
