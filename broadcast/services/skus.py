"""SKUs: the brand's goods, priced in minor units of one currency, with their stock."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, Sku
from broadcast.moments import record_price_change
from broadcast.schemas import SkuCreate, SkuSearch, SkuUpdate
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
        self, principal: Principal, brand_id: str, cursor: str | None, limit: int, search: SkuSearch | None = None
    ) -> tuple[Sequence[Sku], str | None]:
        principal.ensure_brand(brand_id)
        stmt = select(Sku).where(Sku.brand_id == brand_id)
        if search is not None and search.q:
            pattern = f"%{_escape_like(search.q.lower())}%"
            matches = sa.or_(sa.func.lower(Sku.title).like(pattern, "\\"), sa.func.lower(Sku.code).like(pattern, "\\"))
            stmt = stmt.where(matches)
        if search is not None and search.status is not None:
            stmt = stmt.where(Sku.status == search.status)
        return await fetch_page(self.session, stmt, Sku.id, cursor, limit)

    async def update(self, principal: Principal, sku_id: str, data: SkuUpdate) -> Sku:
        sku = await self.get(principal, sku_id)
        changes = data.model_dump(exclude_unset=True, exclude_none=True)
        if "stock_delta" in changes:
            await self._add_stock(sku, changes.pop("stock_delta"))
        if "image_url" in changes:
            changes["image_url"] = str(changes["image_url"])
        repriced = changes.get("price_minor", sku.price_minor) != sku.price_minor
        for field, value in changes.items():
            setattr(sku, field, value)
        sku.updated_at = utcnow()
        self.session.add(sku)
        if repriced:  # a live session's replay shows the price as it stood at each moment
            await record_price_change(self.session, sku)
        await self.session.commit()
        return sku

    async def _add_stock(self, sku: Sku, delta: int) -> None:
        """Counted on the row as it is when the UPDATE runs, as checkout's own decrement is: a sale
        made while the brand typed is kept, and stock never goes below zero."""
        stmt = (
            sa.update(Sku)
            .where(col(Sku.id) == sku.id, col(Sku.stock) + delta >= 0)
            .values(stock=col(Sku.stock) + delta)
            .returning(col(Sku.stock))
        )
        stock = (await self.session.execute(stmt)).scalar_one_or_none()
        if stock is None:
            await self.session.rollback()
            raise StockBelowZero(
                f"taking {-delta} units would leave less than none in stock",
                extra={"errors": [{"field": "stock_delta", "message": "more than in stock"}]},
            )
        sku.stock = stock

    async def _by_code(self, brand_id: str, code: str) -> Sku | None:
        stmt = select(Sku).where(Sku.brand_id == brand_id, Sku.code == code)
        return (await self.session.exec(stmt)).first()


class StockBelowZero(Conflict):
    slug, title = "stock-below-zero", "Stock cannot go below zero"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
