"""Planning a settlement run: who is paid how much, who is skipped and why (phase 1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.ledger import Kind, Posting, Reason
from commission.models import PartnerPayoutAccount, Payout, PayoutState, SettlementRun
from commission.models.payouts import DEFAULT_MINIMUM_PAYOUT_MINOR
from distribution.models import Partnership
from server.kernel.clock import utcnow
from server.kernel.currency import validate_currency
from server.kernel.db import is_postgres
from server.kernel.ids import new_id
from server.kernel.problems import InvalidInput

LOCK_KEY = 6_060_601  # pg_advisory_xact_lock key for planning settlement runs
CLOCK_SKEW = timedelta(seconds=5)


@dataclass
class SettleRequest:
    as_of: datetime
    brand_id: str | None = None
    partner_ids: list[str] | None = None
    currency: str | None = None


@dataclass
class Plan:
    run: SettlementRun
    payouts: list[Payout] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)


async def validate_request(session: AsyncSession, request: SettleRequest) -> list[str] | None:
    """The partner ids in scope (None = everyone); 422 on a future time or a foreign partner."""
    if request.as_of > utcnow() + CLOCK_SKEW:
        raise InvalidInput(f"as_of {request.as_of.isoformat()} is in the future; settle up to now at most",
                           extra={"errors": [{"field": "as_of", "message": "must not be in the future"}]})
    if request.currency is not None:
        try:
            validate_currency(request.currency)
        except ValueError as exc:
            raise InvalidInput(str(exc), extra={"errors": [{"field": "currency", "message": str(exc)}]}) from None
    if request.brand_id is None:
        return request.partner_ids
    stmt = select(Partnership.partner_id).where(Partnership.brand_id == request.brand_id)
    members = set((await session.exec(stmt)).all())
    foreign = sorted(set(request.partner_ids or []) - members)
    if foreign:
        raise InvalidInput(f"partner {foreign[0]} is not a partner of brand {request.brand_id}",
                           extra={"errors": [{"field": "partner_ids", "message": "not a partner of this brand"}]})
    return sorted(set(request.partner_ids or members))


async def plan_run(session: AsyncSession, request: SettleRequest, scope: list[str] | None) -> Plan:
    """Create the run, its payouts and their in-flight entries; the caller commits."""
    if is_postgres(session):
        await session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    run = SettlementRun(id=new_id("stl"), as_of=request.as_of, brand_id=request.brand_id)
    session.add(run)
    plan = Plan(run)
    available = await ledger.balances(session, owner_type="partner", owner_ids=scope, kinds=[Kind.AVAILABLE])
    accounts = await _payout_accounts(session, sorted({k.owner_id for k in available}))
    busy = await _in_flight(session)
    for key, amount in sorted(available.items(), key=lambda kv: (kv[0].owner_id, kv[0].currency)):
        if request.currency and key.currency != request.currency:
            continue
        reason = _skip_reason(amount, accounts.get(key.owner_id), (key.owner_id, key.currency) in busy)
        if reason:
            plan.skipped.append({"partner_id": key.owner_id, "currency": key.currency, "available_minor": amount,
                                 "reason": reason})
            continue
        account = accounts[key.owner_id]
        plan.payouts.append(Payout(id=new_id("po"), run_id=run.id, partner_id=key.owner_id, currency=key.currency,
                                   amount_minor=amount, stripe_account_id=account.stripe_account_id or ""))
    await session.flush()
    session.add_all(plan.payouts)
    await session.flush()
    await ledger.post_many(session, [_initiated(p) for p in plan.payouts])
    return plan


def _skip_reason(amount: int, account: PartnerPayoutAccount | None, busy: bool) -> str | None:
    minimum = account.minimum_payout_minor if account else DEFAULT_MINIMUM_PAYOUT_MINOR
    if busy:
        return "a payout is already in flight (this run resends it)"
    if amount < 0:
        return f"negative balance {amount} (clawback) carried forward"
    if amount < minimum or amount == 0:
        return f"available {amount} is below the minimum payout {minimum}"
    if account is None or not account.stripe_account_id:
        return "no connected Stripe account: the partner must finish payout onboarding"
    return None


async def _payout_accounts(session: AsyncSession, partner_ids: list[str]) -> dict[str, PartnerPayoutAccount]:
    if not partner_ids:
        return {}
    stmt = select(PartnerPayoutAccount).where(col(PartnerPayoutAccount.partner_id).in_(partner_ids))
    return {a.partner_id: a for a in (await session.exec(stmt)).all()}


async def _in_flight(session: AsyncSession) -> set[tuple[str, str]]:
    stmt = select(Payout.partner_id, Payout.currency).where(Payout.state == PayoutState.IN_FLIGHT)
    return {(p, c) for p, c in (await session.exec(stmt)).all()}


def _initiated(payout: Payout) -> Posting:
    posting = Posting(f"{Reason.PAYOUT_INITIATED.value}:{payout.id}", Reason.PAYOUT_INITIATED, utcnow(),
                      external_ref=payout.id, memo={"run_id": payout.run_id})
    posting.add(ledger.partner_key(payout.partner_id, Kind.AVAILABLE, payout.currency), -payout.amount_minor)
    posting.add(ledger.partner_key(payout.partner_id, Kind.IN_FLIGHT, payout.currency), payout.amount_minor)
    return posting
