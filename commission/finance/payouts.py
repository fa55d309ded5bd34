"""Payouts newest first with the Stripe transfer and the Connect account each went to, filtered
by run, partner (or a brand's partners), state and creation time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.finance.partners import partner_names
from commission.models import Payout
from server.kernel.pagination import fetch_page


@dataclass
class PayoutFilter:
    run_id: str | None = None
    partner_ids: list[str] | None = None
    state: str | None = None
    since: datetime | None = None
    until: datetime | None = None


async def payouts_page(
    session: AsyncSession, wanted: PayoutFilter, cursor: str | None, limit: int
) -> tuple[list[dict[str, Any]], str | None]:
    stmt = select(Payout)
    if wanted.run_id:
        stmt = stmt.where(Payout.run_id == wanted.run_id)
    if wanted.partner_ids is not None:
        stmt = stmt.where(col(Payout.partner_id).in_(wanted.partner_ids))
    if wanted.state:
        stmt = stmt.where(Payout.state == wanted.state)
    if wanted.since:
        stmt = stmt.where(col(Payout.created_at) >= wanted.since)
    if wanted.until:
        stmt = stmt.where(col(Payout.created_at) < wanted.until)
    rows, nxt = await fetch_page(session, stmt, col(Payout.id), cursor, limit, newest_first=True)
    names = await partner_names(session, {p.partner_id for p in rows})
    return [_public(p, names) for p in rows], nxt


def _public(payout: Payout, names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": payout.id,
        "run_id": payout.run_id,
        "partner_id": payout.partner_id,
        "partner_name": names.get(payout.partner_id, payout.partner_id),
        "currency": payout.currency,
        "amount_minor": payout.amount_minor,
        "state": payout.state,
        "transfer_id": payout.transfer_id,
        "destination": payout.stripe_account_id,
        "failure_reason": payout.failure_reason,
        "created_at": payout.created_at,
        "settled_at": payout.settled_at,
    }


PAYOUT_COLUMNS = [
    "id",
    "run_id",
    "partner_id",
    "partner_name",
    "currency",
    "amount_minor",
    "state",
    "transfer_id",
    "destination",
    "failure_reason",
    "created_at",
    "settled_at",
]
