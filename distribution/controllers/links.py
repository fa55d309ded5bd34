"""Links and their QR codes."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.schemas import LinkCreate, LinkPublic
from distribution.services import LinkService
from distribution.services.links import link_public, link_url
from distribution.sharing.cover import fetch_cover
from distribution.sharing.poster import render
from distribution.sharing.poster_facts import poster_source
from server.kernel.pagination import DEFAULT_LIMIT, Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles

A, B, P = Role.ADMIN, Role.BRAND, Role.PARTNER


def _base(request: Request[Any, Any, Any]) -> str:
    return str(request.app.state.settings.public_base_url)


class LinkController(Controller):
    path = "/api/v1"
    tags = ["links"]

    @post(
        "/partners/{partner_id:str}/links",
        opt=roles(A, P),
        summary="Create a link to a session, a SKU or a storefront (needs an approved partnership)",
    )
    async def create(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, partner_id: str, data: LinkCreate
    ) -> LinkPublic:
        return link_public(await LinkService(db).create(principal, partner_id, data), _base(request))

    @get("/partners/{partner_id:str}/links", opt=roles(A, P), summary="A partner's links")
    async def of_partner(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        principal: Principal,
        partner_id: str,
        cursor: str | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> Page[LinkPublic]:
        rows, nxt = await LinkService(db).of_partner(principal, partner_id, cursor, limit)
        return Page(items=[link_public(r, _base(request)) for r in rows], next_cursor=nxt)

    @get("/links/{link_id:str}", opt=roles(A, B, P), summary="Get a link")
    async def get_link(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, link_id: str
    ) -> LinkPublic:
        return link_public(await LinkService(db).get(principal, link_id), _base(request))

    @get("/links/{link_id:str}/qr.png", opt=roles(A, B, P), media_type="image/png", summary="The link's QR code (PNG)")
    async def qr_png(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, link_id: str
    ) -> Response[bytes]:
        image = await LinkService(db).qr(principal, link_id, "png", _base(request))
        return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @get(
        "/links/{link_id:str}/qr.svg",
        opt=roles(A, B, P),
        media_type="image/svg+xml",
        summary="The link's QR code (SVG)",
    )
    async def qr_svg(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, link_id: str
    ) -> Response[bytes]:
        image = await LinkService(db).qr(principal, link_id, "svg", _base(request))
        return Response(image, media_type="image/svg+xml", headers={"Cache-Control": "private, max-age=3600"})

    @get(
        "/links/{link_id:str}/poster.png",
        opt=roles(A, P),
        media_type="image/png",
        summary="The link's share poster (PNG): cover, title, SKU and live price, partner, QR code, 「广告」 label",
    )
    async def poster_png(
        self, request: Request[Any, Any, Any], db: AsyncSession, principal: Principal, link_id: str
    ) -> Response[bytes]:
        link = await LinkService(db).get(principal, link_id)
        settings = request.app.state.settings
        source = await poster_source(db, link, link_url(_base(request), link.code))
        cover = await fetch_cover(source.cover_url, _base(request), settings.egress_policy)
        image = await asyncio.to_thread(render, replace(source.facts, cover=cover))  # CPU: off the event loop
        headers = {
            "Cache-Control": "private, no-cache",
            "Content-Disposition": f'inline; filename="poster-{link.code}.png"',
        }
        return Response(image, media_type="image/png", headers=headers)
