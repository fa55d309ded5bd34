"""A partner's earnings from the ledger alone: balances per currency, the clawback it owes with
the reversals that caused it (a refund after a payout), when its pending commission is released,
when it is paid next (or why not: the settlement's own skip rule), and its payouts."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.clawback_reversals import reversals
from commission.ledger import Kind
from commission.models import (
    OrderCommission,
    PartnerPayoutAccount,
    Payout,
    PayoutState,
)
from commission.models.payouts import DEFAULT_MINIMUM_PAYOUT_MINOR
from commission.reports.earnings_schemas import ClawbackCause, EarningsCurrency, EarningsPublic, PayoutPublic
from commission.settlement.plan import SkipReason, skip

PAYOUTS_SHOWN = 50
CAUSES_SHOWN = 20


# The settlement's skip reasons (settlement/plan.py) as the codes the partner's page translates;
# "nothing due" is not a reason to show.
BlockedCode = Literal["in_flight", "negative", "below_minimum", "no_account"]
BLOCKED_CODES: dict[SkipReason, BlockedCode] = {
    SkipReason.IN_FLIGHT: "in_flight",
    SkipReason.NEGATIVE_BALANCE: "negative",
    SkipReason.BELOW_MINIMUM: "below_minimum",
    SkipReason.NO_PAYOUT_ACCOUNT: "no_account",
}


def next_weekday(today: date, weekday: int) -> date:
    """The first day on or after `today` that is `weekday` (Monday = 0)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7)


async def partner_earnings(
    session: AsyncSession, partner_id: str, now: datetime, payout_weekday: int
) -> EarningsPublic:
    found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for key, amount in found.items():
        sums[key.currency][key.kind] += amount
    account = await session.get(PartnerPayoutAccount, partner_id)
    payouts = await _payouts(session, partner_id)
    busy = {p.currency for p in payouts if p.state == PayoutState.IN_FLIGHT}
    release = await _next_release(session, partner_id)
    currencies = []
    for currency, kinds in sorted(sums.items()):
        row = await _currency_row(session, partner_id, currency, kinds, payouts)
        row.next_release_at = release.get(currency)
        skipped = skip(row.available_minor, account, currency in busy)
        code = BLOCKED_CODES.get(skipped[0]) if skipped is not None else None
        row.next_payout_blocked = skipped[1] if skipped is not None and code else None
        row.next_payout_blocked_code = code
        currencies.append(row)
    return EarningsPublic(
        partner_id=partner_id,
        as_of=now,
        currencies=currencies,
        minimum_payout_minor=account.minimum_payout_minor if account else DEFAULT_MINIMUM_PAYOUT_MINOR,
        payout_account_connected=bool(account and account.stripe_account_id),
        next_payout_on=next_weekday(now.date(), payout_weekday),
        payouts=[PayoutPublic.model_validate(p, from_attributes=True) for p in payouts],
    )


async def _currency_row(
    session: AsyncSession, partner_id: str, currency: str, kinds: dict[str, int], payouts: list[Payout]
) -> EarningsCurrency:
    owed_kinds = (Kind.PENDING, Kind.AVAILABLE, Kind.IN_FLIGHT, Kind.DISPUTED)
    available = kinds[Kind.AVAILABLE]
    causes = await _clawback_causes(session, partner_id, currency, payouts) if available < 0 else []
    return EarningsCurrency(
        currency=currency,
        pending_minor=kinds[Kind.PENDING],
        available_minor=available,
        in_flight_minor=kinds[Kind.IN_FLIGHT],
        paid_minor=kinds[Kind.PAID],
        disputed_minor=kinds[Kind.DISPUTED],
        owed_minor=sum(kinds[k] for k in owed_kinds),
        clawback_minor=max(0, -available),
        clawback_causes=causes,
        next_release_at=None,
        next_payout_blocked=None,
    )


async def _payouts(session: AsyncSession, partner_id: str) -> list[Payout]:
    stmt = select(Payout).where(Payout.partner_id == partner_id).order_by(col(Payout.created_at).desc())
    return list((await session.exec(stmt.limit(PAYOUTS_SHOWN))).all())


async def _next_release(session: AsyncSession, partner_id: str) -> dict[str, datetime]:
    """Per currency, the earliest hold end of an unreleased order this partner (or, as parent, its guides) earns on."""
    stmt = (
        select(OrderCommission.currency, sa.func.min(OrderCommission.hold_until))
        .where(
            sa.or_(col(OrderCommission.partner_id) == partner_id, col(OrderCommission.parent_partner_id) == partner_id),
            col(OrderCommission.released_at).is_(None),
            col(OrderCommission.held_by_dispute).is_(None),
            # an order waiting for completion has no date yet
            sa.or_(col(OrderCommission.release_on) == "days", col(OrderCommission.completed_at).is_not(None)),
        )
        .group_by(OrderCommission.currency)
    )
    return {currency: at for currency, at in (await session.exec(stmt)).all() if at is not None}


async def _clawback_causes(
    session: AsyncSession, partner_id: str, currency: str, payouts: list[Payout]
) -> list[ClawbackCause]:
    """Reversals taken from available after a paid payout, newest first, each with that payout."""
    paid = sorted(
        (p for p in payouts if p.state == PayoutState.PAID and p.currency == currency and p.settled_at),
        key=lambda p: p.settled_at or p.created_at,
    )
    if not paid:
        return []
    causes = []
    for row in await reversals(session, partner_id, currency, paid[0].settled_at or paid[0].created_at, CAUSES_SHOWN):
        before = [p for p in paid if (p.settled_at or p.created_at) <= row["effective_at"]]
        if before:
            causes.append(_cause(row, before[-1]))
    return causes


def _cause(row: dict[str, Any], payout: Payout) -> ClawbackCause:
    return ClawbackCause(
        transaction_id=row["id"],
        reason=row["reason"],
        refund_id=row["external_ref"],
        order_id=(row["memo"] or {}).get("order_id"),
        amount_minor=row["amount_minor"],
        effective_at=row["effective_at"],
        after_payout_id=payout.id,
        after_transfer_id=payout.transfer_id,
        after_paid_at=payout.settled_at,
    )
