"""What a buyer can do from the consent link: withdraw marketing consent (at once; a later order
with the box ticked gives it again) and erase the profile.

Erasure deletes the profile (its keyed hash, figures, tags and consent) and keeps its orders'
facts unlinked — amount, refunds, SKUs, partner, with no profile — so nothing the ledger,
settlement or reconciliation read changes, and a replayed OrderPaid finds its row and does not
rebuild the profile."""

from __future__ import annotations

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.buyers.models import BuyerOrder, BuyerProfile
from server.kernel.clock import utcnow


async def withdraw_consent(session: AsyncSession, profile: BuyerProfile) -> None:
    now = utcnow()
    profile.marketing_consent, profile.consent_withdrawn_at, profile.updated_at = False, now, now
    session.add(profile)
    await session.commit()


async def erase(session: AsyncSession, profile: BuyerProfile) -> None:
    unlink = update(BuyerOrder).where(col(BuyerOrder.profile_id) == profile.id).values(profile_id=None)
    await session.exec(unlink)
    await session.delete(profile)
    await session.commit()
