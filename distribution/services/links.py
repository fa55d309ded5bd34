"""Partners' trackable links and their QR codes (一物一码)."""

from __future__ import annotations

import io
import secrets
from collections.abc import Sequence

import segno
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand, LiveSession, Sku
from distribution.models import Link, LinkTarget, Partner
from distribution.schemas import LinkCreate, LinkPublic
from distribution.services.partnerships import PartnershipService
from distribution.sharing.codes import display, new_share_code
from server.kernel.ids import new_id
from server.kernel.pagination import fetch_page
from server.kernel.principal import Principal, Role
from server.kernel.problems import NotFound

CODE_BYTES = 8  # 64 random bits: 11 url-safe characters, not guessable, not derived from anything


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


class LinkService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, principal: Principal, partner_id: str, data: LinkCreate) -> Link:
        principal.ensure_partner(partner_id)
        if await self.session.get(Partner, partner_id) is None:
            raise NotFound.of("partner", partner_id)
        brand_id = await self._brand_of_target(data)
        await PartnershipService(self.session).require_approved(brand_id, partner_id)
        link = Link(
            id=new_id("lnk"),
            code=new_code(),
            partner_id=partner_id,
            brand_id=brand_id,
            target=data.target.value,
            session_id=data.session_id if data.target == LinkTarget.SESSION else None,
            sku_id=data.sku_id if data.target == LinkTarget.SKU else None,
            label=data.label,
            share_code=await self._free_share_code(),
        )
        self.session.add(link)
        await self.session.commit()
        return link

    async def _free_share_code(self) -> str:
        """A share code no link has: a clash is one in ~10¹¹, but a unique index refusing it would be a 500."""
        while True:
            code = new_share_code()
            if (await self.session.exec(select(Link.id).where(Link.share_code == code))).first() is None:
                return code

    async def _brand_of_target(self, data: LinkCreate) -> str:
        if data.target == LinkTarget.SESSION:
            live = await self.session.get(LiveSession, data.session_id)
            if live is None:
                raise NotFound.of("session", str(data.session_id))
            return live.brand_id
        if data.target == LinkTarget.SKU:
            sku = await self.session.get(Sku, data.sku_id)
            if sku is None:
                raise NotFound.of("sku", str(data.sku_id))
            return sku.brand_id
        if await self.session.get(Brand, data.brand_id) is None:
            raise NotFound.of("brand", str(data.brand_id))
        return str(data.brand_id)

    async def of_partner(
        self, principal: Principal, partner_id: str, cursor: str | None, limit: int
    ) -> tuple[Sequence[Link], str | None]:
        principal.ensure_partner(partner_id)
        stmt = select(Link).where(Link.partner_id == partner_id)
        return await fetch_page(self.session, stmt, Link.id, cursor, limit, newest_first=True)

    async def get(self, principal: Principal, link_id: str) -> Link:
        link = await self.session.get(Link, link_id)
        if link is None:
            raise NotFound.of("link", link_id)
        if principal.role is Role.BRAND:
            principal.ensure_brand(link.brand_id, "link", link_id)
        else:
            principal.ensure_partner(link.partner_id, "link", link_id)
        return link

    async def qr(self, principal: Principal, link_id: str, kind: str, base_url: str) -> bytes:
        link = await self.get(principal, link_id)
        code = segno.make(link_url(base_url, link.code), error="m")
        buffer = io.BytesIO()
        code.save(buffer, kind=kind, scale=8 if kind == "png" else 4, border=2)
        return buffer.getvalue()


def link_url(base_url: str, code: str) -> str:
    return f"{base_url}/l/{code}"


def link_public(link: Link, base_url: str) -> LinkPublic:
    out = LinkPublic.model_validate(link)
    out.url = link_url(base_url, link.code)
    out.qr_png, out.qr_svg = f"/api/v1/links/{link.id}/qr.png", f"/api/v1/links/{link.id}/qr.svg"
    out.poster_png = f"/api/v1/links/{link.id}/poster.png"
    out.share_code = display(link.share_code) if link.share_code else None
    return out
