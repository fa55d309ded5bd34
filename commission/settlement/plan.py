"""Planning a settlement run: who is paid how much, who is skipped and why (phase 1). `decide`
is the one function that answers it, for the preview and the run alike."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
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
from server.kernel.problems import Conflict, InvalidInput

LOCK_KEY = 6_060_601  # pg_advisory_xact_lock key for planning settlement runs
CLOCK_SKEW = timedelta(seconds=5)


@dataclass
class SettleRequest:
    as_of: datetime
    brand_id: str | None = None
    partner_ids: list[str] | None = None
    currency: str | None = None
    # The fingerprint of the plan finance confirmed: if the plan differs when the run decides it,
    # the run stops before any payout is made (409 plan-changed) instead of paying something else.
    expected_plan: str | None = None


class SkipReason(StrEnum):
    IN_FLIGHT = "in_flight"
    NEGATIVE_BALANCE = "negative_balance"
    NOTHING_DUE = "nothing_due"
    BELOW_MINIMUM = "below_minimum"
    NO_PAYOUT_ACCOUNT = "no_payout_account"


@dataclass(frozen=True)
class PlannedPayout:
    partner_id: str
    currency: str
    amount_minor: int
    stripe_account_id: str


@dataclass
class Decision:
    """Who is paid how much and who is skipped why: what a preview shows and a run executes."""

    payouts: list[PlannedPayout] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def fingerprint(self) -> str:
        paid = [(p.partner_id, p.currency, p.amount_minor, p.stripe_account_id) for p in self.payouts]
        skips = [(s["partner_id"], s["currency"], s["available_minor"], s["reason_code"]) for s in self.skipped]
        return hashlib.sha256(json.dumps([paid, skips]).encode()).hexdigest()[:32]

    def planned_rows(self) -> list[dict[str, Any]]:
        return [asdict(p) for p in self.payouts]


class PlanChanged(Conflict):
    slug, title = "plan-changed", "The settlement plan changed since it was previewed"


@dataclass
class Plan:
    run: SettlementRun
    decision: Decision
    payouts: list[Payout] = field(default_factory=list)

    @property
    def skipped(self) -> list[dict[str, Any]]:
        return self.decision.skipped


async def validate_request(session: AsyncSession, request: SettleRequest) -> list[str] | None:
    """The partner ids in scope (None = everyone); 422 on a future time or a foreign partner."""
    if request.as_of > utcnow() + CLOCK_SKEW:
        raise InvalidInput(
            f"as_of {request.as_of.isoformat()} is in the future; settle up to now at most",
            extra={"errors": [{"field": "as_of", "message": "must not be in the future"}]},
        )
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
        raise InvalidInput(
            f"partner {foreign[0]} is not a partner of brand {request.brand_id}",
            extra={"errors": [{"field": "partner_ids", "message": "not a partner of this brand"}]},
        )
    return sorted(set(request.partner_ids or members))


async def decide(session: AsyncSession, request: SettleRequest, scope: list[str] | None) -> Decision:
    """The plan from the ledger as it stands in this transaction (read only). The preview and the
    run both call this, so what finance confirms is what the run pays."""
    decision = Decision()
    available = await ledger.balances(session, owner_type="partner", owner_ids=scope, kinds=[Kind.AVAILABLE])
    accounts = await _payout_accounts(session, sorted({k.owner_id for k in available}))
    busy = await _in_flight(session)
    for key, amount in sorted(available.items(), key=lambda kv: (kv[0].owner_id, kv[0].currency)):
        if request.currency and key.currency != request.currency:
            continue
        account = accounts.get(key.owner_id)
        skipped = skip(amount, account, (key.owner_id, key.currency) in busy)
        if skipped is not None:
            code, reason, minimum = skipped
            decision.skipped.append(
                {
                    "partner_id": key.owner_id,
                    "currency": key.currency,
                    "available_minor": amount,
                    "reason_code": code.value,
                    "reason": reason,
                    "minimum_payout_minor": minimum,
                }
            )
            continue
        assert account is not None and account.stripe_account_id  # _skip refuses a partner without one
        decision.payouts.append(PlannedPayout(key.owner_id, key.currency, amount, account.stripe_account_id))
    return decision


async def plan_run(session: AsyncSession, request: SettleRequest, scope: list[str] | None) -> Plan:
    """Create the run, its payouts and their in-flight entries; the caller commits."""
    if is_postgres(session):
        await session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    decision = await decide(session, request, scope)
    if request.expected_plan is not None and decision.fingerprint() != request.expected_plan:
        raise PlanChanged(
            "the balances changed since the preview (a payment, refund or another run): preview again",
            extra={"fingerprint": decision.fingerprint()},
        )
    run = SettlementRun(id=new_id("stl"), as_of=request.as_of, brand_id=request.brand_id)
    session.add(run)
    plan = Plan(run, decision)
    plan.payouts = [
        Payout(
            id=new_id("po"),
            run_id=run.id,
            partner_id=p.partner_id,
            currency=p.currency,
            amount_minor=p.amount_minor,
            stripe_account_id=p.stripe_account_id,
        )
        for p in decision.payouts
    ]
    await session.flush()
    if plan.payouts:  # a Core bulk insert: ten thousand payouts should not go through the unit of work
        now = utcnow()
        rows = [
            {
                "id": p.id,
                "run_id": p.run_id,
                "partner_id": p.partner_id,
                "currency": p.currency,
                "amount_minor": p.amount_minor,
                "state": PayoutState.IN_FLIGHT.value,
                "stripe_account_id": p.stripe_account_id,
                "created_at": now,
            }
            for p in plan.payouts
        ]
        await session.execute(sa.insert(Payout), rows)
    await ledger.post_many(session, [_initiated(p) for p in plan.payouts])
    return plan


def skip(amount: int, account: PartnerPayoutAccount | None, busy: bool) -> tuple[SkipReason, str, int] | None:
    """Why a run would not pay this balance now (code, words, the minimum), or None: the one rule
    the plan, the preview and the partner's own earnings page all use."""
    minimum = account.minimum_payout_minor if account else DEFAULT_MINIMUM_PAYOUT_MINOR
    if busy:
        return SkipReason.IN_FLIGHT, "a payout is already in flight (this run resends it)", minimum
    if amount < 0:
        return SkipReason.NEGATIVE_BALANCE, f"negative balance {amount} (clawback) carried forward", minimum
    if amount == 0:
        return SkipReason.NOTHING_DUE, "nothing available to pay", minimum
    if amount < minimum:
        return SkipReason.BELOW_MINIMUM, f"available {amount} is below the minimum payout {minimum}", minimum
    if account is None or not account.stripe_account_id:
        return (
            SkipReason.NO_PAYOUT_ACCOUNT,
            "no connected Stripe account: the partner must finish payout onboarding",
            minimum,
        )
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
    posting = Posting(
        f"{Reason.PAYOUT_INITIATED.value}:{payout.id}",
        Reason.PAYOUT_INITIATED,
        utcnow(),
        external_ref=payout.id,
        memo={"run_id": payout.run_id},
    )
    posting.add(ledger.partner_key(payout.partner_id, Kind.AVAILABLE, payout.currency), -payout.amount_minor)
    posting.add(ledger.partner_key(payout.partner_id, Kind.IN_FLIGHT, payout.currency), payout.amount_minor)
    return posting
