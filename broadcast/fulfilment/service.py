"""What the HTTP layer calls: one method per request, each one transaction (plus, for a refund,
the refund path's own steps). Brand calls are tenant-checked; buyer calls go by the visitor cookie."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.gateway import PaymentGateway
from broadcast.checkout.models import Order
from broadcast.fulfilment import decisions, progress, requests, shipping
from broadcast.fulfilment.models import Aftersale, Parcel
from broadcast.fulfilment.schemas import AftersaleCreate, AftersaleDecision, ParcelCreate
from server.kernel.principal import Principal
from server.kernel.problems import NotFound


class FulfilmentService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway | None = None) -> None:
        self.session = session
        self.gateway = gateway

    async def ship(self, principal: Principal, order_id: str, data: ParcelCreate) -> Parcel:
        order = await shipping.brand_order(self.session, principal, order_id)
        parcel = await shipping.ship(self.session, order, data)
        await self.session.commit()
        return parcel

    async def confirm_delivery(self, order_id: str, visitor_id: str | None) -> Order:
        order = await requests.buyer_order(self.session, order_id, visitor_id)
        await progress.deliver(self.session, order, "buyer")
        await self.session.commit()
        return order

    async def request_aftersale(self, order_id: str, visitor_id: str | None, data: AftersaleCreate) -> Aftersale:
        order = await requests.buyer_order(self.session, order_id, visitor_id)
        aftersale = await requests.request(self.session, order, data)
        await self.session.commit()
        return aftersale

    async def decide(self, principal: Principal, aftersale_id: str, data: AftersaleDecision) -> Aftersale:
        aftersale, order = await decisions.locked(self.session, aftersale_id, principal)
        await decisions.decide(self.session, aftersale, order, data, "brand")
        await self.session.commit()
        return await self._refund_if_due(aftersale_id, "brand")

    async def receive(self, principal: Principal, aftersale_id: str) -> Aftersale:
        aftersale, order = await decisions.locked(self.session, aftersale_id, principal)
        await decisions.receive(self.session, aftersale, order)
        await self.session.commit()
        return await self._refund_if_due(aftersale_id, "brand")

    async def _refund_if_due(self, aftersale_id: str, by: decisions.By) -> Aftersale:
        await decisions.refund(self.session, self.gateway, aftersale_id, by)
        aftersale = await self.session.get(Aftersale, aftersale_id, populate_existing=True)
        assert aftersale is not None
        return aftersale

    async def brand_aftersales(self, principal: Principal, brand_id: str, state: str | None) -> list[Aftersale]:
        principal.ensure_brand(brand_id)
        stmt = select(Aftersale).where(Aftersale.brand_id == brand_id)
        if state:
            stmt = stmt.where(Aftersale.state == state)
        return list((await self.session.exec(stmt.order_by(col(Aftersale.id).desc()).limit(200))).all())

    async def brand_order(self, principal: Principal, order_id: str) -> Order:
        order = await self.session.get(Order, order_id)
        if order is None:
            raise NotFound.of("order", order_id)
        principal.ensure_brand(order.brand_id, "order", order_id)
        return order

    async def buyers(self, order_id: str, visitor_id: str | None) -> Order:
        order = await self.session.get(Order, order_id, populate_existing=True)
        if order is None or visitor_id is None or order.visitor_id != visitor_id:
            raise NotFound.of("order", order_id)
        return order
