"""Check 3 of the reconciliation: every paid payout settled in the period matches one Stripe transfer
(id, amount, currency, destination) and every Stripe transfer created in it matches one payout. The
transfers are read from their local copy, synced from Stripe first (`commission/reports/transfers.py`)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.models import Payout, PayoutState
from commission.reports.transfers import sync_transfers, transfers_between

SLACK = timedelta(hours=1)  # a payout's transfer may be created just outside the period its settled_at is in


async def payouts_section(
    session: AsyncSession,
    since: datetime,
    until: datetime,
    gateway: ConnectGateway | None,
    mismatches: list[dict[str, Any]],
) -> dict[str, Any]:
    stmt = select(Payout).where(
        col(Payout.settled_at) >= since, col(Payout.settled_at) < until, Payout.state == PayoutState.PAID
    )
    paid = list((await session.exec(stmt)).all())
    in_flight = list((await session.exec(select(Payout).where(Payout.state == PayoutState.IN_FLIGHT))).all())
    if gateway is None:
        mismatches.append({"section": "payouts", "reason": "Stripe is not configured: transfers cannot be listed"})
        return {"payouts": len(paid), "transfers": None, "matched": 0}
    synced = await sync_transfers(session, gateway)
    transfers = await transfers_between(session, since - SLACK, until + SLACK)
    matched = _match(paid, in_flight, transfers, since, until, mismatches)
    return {
        "payouts": len(paid),
        "transfers": len(transfers),
        "matched": matched,
        "in_flight": len(in_flight),
        "paid": _total(paid),
        "transfers_as_of": synced.isoformat(),
    }


def _match(
    paid: list[Payout],
    in_flight: list[Payout],
    transfers: list[dict[str, Any]],
    since: datetime,
    until: datetime,
    mismatches: list[dict[str, Any]],
) -> int:
    by_id = {t["id"]: t for t in transfers}
    claimed: set[str] = set()
    matched = 0
    for payout in paid:
        transfer = by_id.get(payout.transfer_id or "")
        reason = _payout_problem(payout, transfer)
        if transfer is not None:
            claimed.add(transfer["id"])
        if reason:
            mismatches.append(
                {"section": "payouts", "payout_id": payout.id, "transfer_id": payout.transfer_id, "reason": reason}
            )
        else:
            matched += 1
    flying = {p.id: p for p in in_flight}
    for transfer in transfers:
        created = transfer.get("created", 0)
        if transfer["id"] in claimed or not since.timestamp() <= created < until.timestamp():
            continue
        payout_id = (transfer.get("metadata") or {}).get("payout_id")
        reason = (
            f"Stripe made this transfer but payout {payout_id} is still in flight: run settle again"
            if payout_id in flying
            else "Stripe transfer with no paid payout in this period"
        )
        mismatches.append(
            {"section": "payouts", "payout_id": payout_id, "transfer_id": transfer["id"], "reason": reason}
        )
    return matched


def _payout_problem(payout: Payout, transfer: dict[str, Any] | None) -> str | None:
    if transfer is None:
        return "paid payout has no matching Stripe transfer"
    if int(transfer["amount"]) != payout.amount_minor or str(transfer["currency"]).upper() != payout.currency:
        return (
            f"amount differs: payout {payout.amount_minor} {payout.currency}, "
            f"transfer {transfer['amount']} {str(transfer['currency']).upper()}"
        )
    if transfer.get("destination") != payout.stripe_account_id:
        return f"destination differs: payout to {payout.stripe_account_id}, transfer to {transfer.get('destination')}"
    return None


def _total(payouts: list[Payout]) -> list[dict[str, Any]]:
    totals: dict[str, int] = defaultdict(int)
    for p in payouts:
        totals[p.currency] += p.amount_minor
    return [{"currency": c, "amount_minor": totals[c]} for c in sorted(totals)]
