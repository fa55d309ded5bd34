"""The disputes' part of the reconciliation: the dispute records against the ledger, per currency.

- lost: the amounts the records say lost disputes reversed in the period = the brands' *sales*
  lines of the period's `dispute_lost` transactions;
- fees: Stripe's dispute fees the records hold for disputes closed in the period = the provider's
  *dispute_fee* account's flows of the period;
- frozen: the partners' shares held by disputes open at `until` = the partners' *disputed* balance
  at `until`;
- every dispute with a problem (no order for its charge, larger than what was left of the order,
  another currency) still open in the period is listed as a mismatch with its reason."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.ledger import Kind, Reason
from commission.models import CommissionDispute, DisputePhase
from commission.reports.flows import flows

FIELDS = ("disputes_lost_minor", "ledger_disputes_lost_minor", "dispute_fees_minor", "ledger_dispute_fees_minor")
HELD_AT_SOME_POINT = (DisputePhase.HELD, DisputePhase.WON, DisputePhase.LOST)


async def disputes_lost(session: AsyncSession, since: datetime, until: datetime) -> dict[str, int]:
    """Per currency, what lost disputes reversed in [since, until) — on the refunds' side of check 1."""
    d = CommissionDispute
    stmt = (
        sa.select(d.currency, sa.func.sum(d.lost_minor))  # type: ignore[call-overload]
        .where(d.phase == DisputePhase.LOST, col(d.closed_at) >= since, col(d.closed_at) < until)
        .group_by(d.currency)
    )
    return {c: int(v or 0) for c, v in (await session.execute(stmt)).all()}


async def disputes_section(
    session: AsyncSession, since: datetime, until: datetime, mismatches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for currency, amount in (await disputes_lost(session, since, until)).items():
        rows[currency]["disputes_lost_minor"] += amount
    await _ledger_flows(session, since, until, rows)
    await _records(session, since, until, rows, mismatches)
    held = await ledger.balances(session, owner_type="partner", kinds=[Kind.DISPUTED], before=until)
    for key, amount in held.items():
        rows[key.currency]["ledger_disputed_minor"] += amount
    out = []
    for currency in sorted(rows):
        row = {"currency": currency, **{k: rows[currency].get(k, 0) for k in FIELDS}}
        row.update(
            frozen_minor=rows[currency].get("frozen_minor", 0),
            ledger_disputed_minor=rows[currency].get("ledger_disputed_minor", 0),
            open_disputes=rows[currency].get("open_disputes", 0),
        )
        _check(row, mismatches)
        out.append(row)
    return out


async def _ledger_flows(session: AsyncSession, since: datetime, until: datetime, rows: Any) -> None:
    for (_, kind, currency, reason), amount in (await flows(session, "brand", None, since, until)).items():
        if reason == Reason.DISPUTE_LOST and kind == Kind.SALES:
            rows[currency]["ledger_disputes_lost_minor"] += amount
    for (_, kind, currency, reason), amount in (await flows(session, "provider", None, since, until)).items():
        if reason == Reason.DISPUTE_FEE and kind == Kind.DISPUTE_FEE:
            rows[currency]["ledger_dispute_fees_minor"] += amount


async def _records(
    session: AsyncSession, since: datetime, until: datetime, rows: Any, mismatches: list[dict[str, Any]]
) -> None:
    d = CommissionDispute
    stmt = select(d).where(d.opened_at < until, sa.or_(col(d.closed_at).is_(None), col(d.closed_at) >= since))
    for dispute in (await session.exec(stmt)).all():
        still_open = dispute.closed_at is None or dispute.closed_at >= until
        if still_open and dispute.phase in HELD_AT_SOME_POINT:
            rows[dispute.currency]["frozen_minor"] += dispute.partner_held_minor + dispute.parent_held_minor
        if still_open:
            rows[dispute.currency]["open_disputes"] += 1
        elif dispute.fee_currency and dispute.phase in (DisputePhase.WON, DisputePhase.LOST):
            rows[dispute.fee_currency]["dispute_fees_minor"] += dispute.fee_minor
        if dispute.problem:
            mismatches.append(
                {
                    "section": "disputes",
                    "currency": dispute.currency,
                    "dispute_id": dispute.stripe_dispute_id,
                    "reason": dispute.problem,
                }
            )


def _check(row: dict[str, Any], mismatches: list[dict[str, Any]]) -> None:
    for label, ours, ledgers in (
        ("lost disputes", "disputes_lost_minor", "ledger_disputes_lost_minor"),
        ("dispute fees", "dispute_fees_minor", "ledger_dispute_fees_minor"),
        ("commission frozen by open disputes", "frozen_minor", "ledger_disputed_minor"),
    ):
        if row[ours] != row[ledgers]:
            mismatches.append(
                {
                    "section": "disputes",
                    "currency": row["currency"],
                    "reason": f"{label}: dispute records {row[ours]} ≠ ledger {row[ledgers]}",
                }
            )
