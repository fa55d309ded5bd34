"""The live end's `RefVoucher` (server/kernel/referrals.py): a link code on a room socket or a
cart request counts for the partner only when this browser came through that partner's link —
its signed `zx_attr` cookie names the link, or a stored (non-bot) click of this visitor id is on
one of that partner's links for the same brand. A code typed onto a URL is no visit."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from distribution.clicks.resolve import ResolvedLink, shared_resolver
from distribution.clicks.token import verify_claim
from distribution.models import Click
from server.kernel.referrals import RefVoucher


def ref_voucher(state: Any) -> RefVoucher:
    async def vouch(ref: str, visitor_id: str | None, attribution_token: str | None) -> bool:
        link = await shared_resolver(state).resolve(state, ref)
        if link is None or not link.attributes:  # unknown code, or a partnership not approved
            return False
        claim = verify_claim(state.settings.secret_key, attribution_token)
        if claim is not None and claim.link_id == link.link_id:
            return True
        return bool(visitor_id) and await _clicked(state, link, visitor_id or "")

    return vouch


async def _clicked(state: Any, link: ResolvedLink, visitor_id: str) -> bool:
    stmt = (
        select(Click.id)
        .where(
            Click.visitor_id == visitor_id,
            Click.partner_id == link.partner_id,
            Click.brand_id == link.brand_id,
            col(Click.is_bot).is_(False),
        )
        .limit(1)
    )
    async with state.sessionmaker() as session:
        return (await session.exec(stmt)).first() is not None
