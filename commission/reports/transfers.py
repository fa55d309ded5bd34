"""Stripe Connect transfers, copied locally and kept up to date incrementally: each sync asks
Stripe only for what was created since the newest copy (less a short overlap, for a transfer listed
late), so the reconciliation reads a period's transfers from an index instead of listing them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.models import StripeTransfer
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres

OVERLAP = timedelta(minutes=2)
AHEAD = timedelta(days=1)  # Stripe's clock may run ahead of ours


def _row(transfer: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(transfer["id"]),
        "amount_minor": int(transfer["amount"]),
        "currency": str(transfer["currency"]).upper(),
        "destination": transfer.get("destination"),
        "payout_id": (transfer.get("metadata") or {}).get("payout_id"),
        "created_at": datetime.fromtimestamp(int(transfer.get("created", 0)), UTC),
        "synced_at": utcnow(),
    }


async def sync_transfers(session: AsyncSession, gateway: ConnectGateway) -> datetime:
    """Copy the transfers created since the last sync; returns when the copy was taken."""
    newest = (await session.execute(sa.select(sa.func.max(StripeTransfer.created_at)))).scalar_one_or_none()
    start = int((newest - OVERLAP).timestamp()) if newest is not None else 0
    taken = utcnow()
    found = await gateway.list_transfers(start, int((taken + AHEAD).timestamp()))
    if found:
        insert = postgresql.insert if is_postgres(session) else sqlite.insert
        stmt = insert(StripeTransfer)
        # ids are unique at Stripe and their amount, currency and destination never change
        await session.execute(stmt.on_conflict_do_nothing(index_elements=["id"]), [_row(t) for t in found])
        await session.commit()
    return taken


async def transfers_between(session: AsyncSession, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The copied transfers created in [since, until], shaped as Stripe's (the matcher reads those keys)."""
    t = StripeTransfer
    stmt = select(t).where(col(t.created_at) >= since, col(t.created_at) <= until).order_by(col(t.created_at))
    return [
        {
            "id": row.id,
            "amount": row.amount_minor,
            "currency": row.currency.lower(),
            "destination": row.destination,
            "metadata": {"payout_id": row.payout_id} if row.payout_id else {},
            "created": int(row.created_at.timestamp()),
        }
        for row in (await session.exec(stmt)).all()
    ]
