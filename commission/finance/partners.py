"""Partners as finance reads them: by name, and the partners of one brand (the brand filter)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.models import Partner, Partnership


async def partner_names(session: AsyncSession, partner_ids: Iterable[str]) -> dict[str, str]:
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    rows = (await session.exec(select(Partner.id, Partner.name).where(col(Partner.id).in_(ids)))).all()
    return {ident: name for ident, name in rows}


async def brand_scope(session: AsyncSession, brand_id: str | None) -> list[str] | None:
    """The partner ids of a brand's partnerships (None: every partner). A partner's balance is its
    whole balance, across the brands it sells for: the ledger keeps one account per partner."""
    if not brand_id:
        return None
    stmt = select(Partnership.partner_id).where(Partnership.brand_id == brand_id)
    return sorted(set((await session.exec(stmt)).all()))
