"""Why a partner's available balance is negative: the reversals (refunds, lost disputes, lowered PK
prizes) that reached *available* after the partner's last payout had already taken the money."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.clawback_reversals import reversals
from commission.models import Payout, PayoutState


async def negative_causes(session: AsyncSession, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """(partner_id, currency) → {payout…, causes: [...]} for each negative balance given."""
    return {key: await _cause(session, *key) for key in keys}


async def _cause(session: AsyncSession, partner_id: str, currency: str) -> dict[str, Any]:
    payout = await _last_payout(session, partner_id, currency)
    since = payout.created_at if payout else None
    return {
        "payout_id": payout.id if payout else None,
        "transfer_id": payout.transfer_id if payout else None,
        "paid_amount_minor": payout.amount_minor if payout else None,
        "paid_at": (payout.settled_at or payout.created_at) if payout else None,
        "causes": [_public(row) for row in await reversals(session, partner_id, currency, since)],
    }


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("reason", "external_ref", "order_id", "effective_at", "amount_minor")}


async def _last_payout(session: AsyncSession, partner_id: str, currency: str) -> Payout | None:
    stmt = (
        select(Payout)
        .where(Payout.partner_id == partner_id, Payout.currency == currency, Payout.state == PayoutState.PAID)
        .order_by(col(Payout.created_at).desc(), col(Payout.id).desc())
        .limit(1)
    )
    return (await session.exec(stmt)).first()
