"""The buyer's own page, opened from the signed link in every marketing message
(`/buyers/consent/{token}`): whether the brand may send offers, a button to withdraw that, and a
button to erase the profile (`distribution.buyers.erasure`). No sign-in: the link is the proof.
A forged link and an erased profile both answer 404 with the same page, so a link tells nothing
about a profile that is gone."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.response import Redirect, Template
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from distribution.buyers.consent_links import profile_id_of
from distribution.buyers.erasure import erase, withdraw_consent
from distribution.buyers.models import BuyerProfile

PATH = "/buyers/consent/{token:str}"


async def _profile(request: Request[Any, Any, Any], db: AsyncSession, token: str) -> BuyerProfile | None:
    profile_id = profile_id_of(request.app.state.settings.secret_key, token)
    return await db.get(BuyerProfile, profile_id) if profile_id else None


@get(PATH, include_in_schema=False)
async def consent_page(request: Request[Any, Any, Any], db: AsyncSession, token: str) -> Template:
    profile = await _profile(request, db, token)
    if profile is None:
        return Template(
            "buyer_consent.html", context={"profile": None, "erased": "erased" in request.query_params}, status_code=404
        )
    brand = await db.get(Brand, profile.brand_id)
    context = {"profile": profile, "brand": brand.name if brand else "", "token": token}
    return Template("buyer_consent.html", context=context)


@post(f"{PATH}/withdraw", include_in_schema=False, status_code=303)
async def withdraw(request: Request[Any, Any, Any], db: AsyncSession, token: str) -> Redirect:
    if (profile := await _profile(request, db, token)) is not None:
        await withdraw_consent(db, profile)
    return Redirect(f"/buyers/consent/{token}", status_code=303)


@post(f"{PATH}/erase", include_in_schema=False, status_code=303)
async def erase_profile(request: Request[Any, Any, Any], db: AsyncSession, token: str) -> Redirect:
    if (profile := await _profile(request, db, token)) is not None:
        await erase(db, profile)
    return Redirect(f"/buyers/consent/{token}?erased=1", status_code=303)


ROUTE_HANDLERS: list[Any] = [consent_page, withdraw, erase_profile]
