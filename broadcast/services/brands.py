"""Brands: created by an admin, edited by the brand itself."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandCreate, BrandSettings, BrandUpdate
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal, Role
from server.kernel.problems import Conflict, NotFound


class BrandService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, data: BrandCreate) -> Brand:
        if await self._by_slug(data.slug):
            raise Conflict(
                f"slug {data.slug!r} is taken; choose another",
                extra={"errors": [{"field": "slug", "message": "already taken"}]},
            )
        brand = Brand(
            id=new_id("brd"),
            name=data.name,
            slug=data.slug,
            default_currency=data.default_currency,
            settings=data.settings.model_dump(),
        )
        self.session.add(brand)
        await self.session.commit()
        return brand

    async def get(self, principal: Principal, brand_id: str) -> Brand:
        principal.ensure_brand(brand_id)
        brand = await self.session.get(Brand, brand_id)
        if brand is None:
            raise NotFound.of("brand", brand_id)
        return brand

    async def list(self, principal: Principal, cursor: str | None, limit: int) -> tuple[Sequence[Brand], str | None]:
        stmt = select(Brand)
        if principal.role is Role.BRAND:
            stmt = stmt.where(Brand.id == principal.brand_id)
        return await fetch_page(self.session, stmt, Brand.id, cursor, limit)

    async def update(self, principal: Principal, brand_id: str, data: BrandUpdate) -> Brand:
        brand = await self.get(principal, brand_id)
        if data.name is not None:
            brand.name = data.name
        if data.default_currency is not None:
            brand.default_currency = data.default_currency
        if data.settings is not None:
            # a PATCH: the settings sent replace theirs, the rest keep what the brand had (sending only
            # `release_on` must not reset the hold days to their default). Each field validates alone.
            sent = data.settings.model_dump(exclude_unset=True)
            brand.settings = {**brand_settings(brand).model_dump(), **sent}
        self.session.add(brand)
        await self.session.commit()
        return brand

    async def _by_slug(self, slug: str) -> Brand | None:
        return (await self.session.exec(select(Brand).where(Brand.slug == slug))).first()


def brand_settings(brand: Brand) -> BrandSettings:
    """Settings as stored, with defaults for keys added after the brand was created."""
    return BrandSettings.model_validate(brand.settings or {})
