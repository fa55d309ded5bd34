"""SKUs: the brand's goods, priced in minor units of one currency, with their stock."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, Sku
from broadcast.schemas import SkuCreate, SkuUpdate
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal
from server.kernel.problems import Conflict, NotFound


class SkuService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, brand_id: str, data: SkuCreate) -> Sku:
        principal.ensure_brand(brand_id)
        brand = await self.session.get(Brand, brand_id)
        if brand is None:
            raise NotFound.of("brand", brand_id)
        if await self._by_code(brand_id, data.code):
            raise Conflict(
                f"SKU code {data.code!r} already exists in this brand",
                extra={"errors": [{"field": "code", "message": "already exists"}]},
            )
        sku = Sku(
            id=new_id("sku"),
            brand_id=brand_id,
            code=data.code,
            title=data.title,
            image_url=str(data.image_url) if data.image_url else None,
            price_minor=data.price_minor,
            currency=data.currency or brand.default_currency,
            stock=data.stock,
            status=data.status,
        )
        self.session.add(sku)
        await self.session.commit()
        return sku

    async def get(self, principal: Principal, sku_id: str) -> Sku:
        sku = await self.session.get(Sku, sku_id)
        if sku is None:
            raise NotFound.of("sku", sku_id)
        principal.ensure_brand(sku.brand_id, "sku", sku_id)
        return sku

    async def list(
        self, principal: Principal, brand_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[Sku], str | None]:
        principal.ensure_brand(brand_id)
        stmt = select(Sku).where(Sku.brand_id == brand_id)
        return await fetch_page(self.session, stmt, Sku.id, cursor, limit)

    async def update(self, principal: Principal, sku_id: str, data: SkuUpdate) -> Sku:
        sku = await self.get(principal, sku_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if "image_url" in changes:
            changes["image_url"] = str(changes["image_url"])
        for field, value in changes.items():
            setattr(sku, field, value)
        sku.updated_at = utcnow()
        self.session.add(sku)
        await self.session.commit()
        return sku

    async def _by_code(self, brand_id: str, code: str) -> Sku | None:
        stmt = select(Sku).where(Sku.brand_id == brand_id, Sku.code == code)
        return (await self.session.exec(stmt)).first()
