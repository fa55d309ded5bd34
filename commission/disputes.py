"""Disputes (chargebacks): a dispute freezes its order's commission until Stripe decides.

- opened → `dispute_held`: each partner's remaining share of the order moves from *pending* (inside
  the hold period) or *available* (after it) into *disputed*, which settlement never pays out; the
  order is marked so the release job leaves it where it is.
- won (or an inquiry closed) → `dispute_released`: *disputed* goes back where it was held from.
- lost → `dispute_lost`: reversed like a refund of the disputed amount (each party in proportion,
  `splits.proportional`); the partner's part comes out of *disputed* and the rest of the hold goes
  back. The brand's net bears the disputed amount on its own line, and Stripe's dispute fee in its
  own transaction (`dispute_fee`). A partner already paid out ends negative in *available*: the
  same clawback as a refund after payout, netted against its next payouts.

Each phase is one journal transaction keyed by the Stripe dispute id and the phase, and the dispute
row records the phase in the same database transaction, so a replayed or late event changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger, order_totals
from commission.ledger import Kind, Posting, Reason
from commission.models import CommissionDispute, DisputePhase, OrderCommission
from commission.splits import proportional
from server.kernel.clock import utcnow
from server.kernel.db import is_postgres
from server.kernel.ids import new_id

WON = frozenset({"won", "warning_closed"})  # an inquiry that closed never took the money
LOST = frozenset({"lost"})


@dataclass(frozen=True)
class DisputeFacts:
    """What Stripe says about a dispute, and our order for its payment (found by the caller)."""

    stripe_dispute_id: str
    charge_id: str | None
    payment_intent_id: str | None
    order_id: str | None
    currency: str
    amount_minor: int
    status: str
    reason: str | None
    due_by: datetime | None
    fee_minor: int = 0
    fee_currency: str | None = None


async def record_dispute(session: AsyncSession, facts: DisputeFacts) -> str:
    """Apply one Stripe report of a dispute (created, updated or closed) in the caller's
    transaction; the outcome in words. A `closed` for a dispute never seen opens and closes it."""
    if is_postgres(session):  # two events of one dispute delivered at once: one after the other
        await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": facts.stripe_dispute_id})
    stmt = select(CommissionDispute).where(CommissionDispute.stripe_dispute_id == facts.stripe_dispute_id)
    dispute = (await session.exec(stmt)).first()
    outcome = "dispute_updated"
    if dispute is None:
        dispute, outcome = await _open(session, facts)
    elif dispute.phase == DisputePhase.UNMATCHED and dispute.closed_at is None and dispute.order_id:
        outcome = await _match_late(session, dispute)  # its OrderPaid was accrued since
    _refresh(dispute, facts)
    if facts.status in WON | LOST and dispute.closed_at is None:
        outcome = await _close(session, dispute, facts.status in LOST)
    session.add(dispute)
    return outcome


def _refresh(dispute: CommissionDispute, facts: DisputeFacts) -> None:
    """Stripe's latest word on the status, deadline and fee; amounts already held stay as held."""
    dispute.stripe_status = facts.status
    dispute.stripe_reason = facts.reason
    dispute.due_by = facts.due_by
    if facts.fee_minor:
        dispute.fee_minor, dispute.fee_currency = facts.fee_minor, facts.fee_currency
    dispute.updated_at = utcnow()


async def _open(session: AsyncSession, facts: DisputeFacts) -> tuple[CommissionDispute, str]:
    dispute = CommissionDispute(
        id=new_id("dsp"),
        stripe_dispute_id=facts.stripe_dispute_id,
        charge_id=facts.charge_id,
        payment_intent_id=facts.payment_intent_id,
        order_id=facts.order_id,
        currency=facts.currency,
        amount_minor=facts.amount_minor,
        stripe_status=facts.status,
        opened_at=utcnow(),
    )
    order = await session.get(OrderCommission, facts.order_id, with_for_update=True) if facts.order_id else None
    if order is not None:
        dispute.brand_id = order.brand_id
    problem = _unmatched(dispute, order)
    if problem or order is None:
        dispute.phase, dispute.problem = DisputePhase.UNMATCHED, problem
        session.add(dispute)
        return dispute, "dispute_unmatched"
    dispute.problem = _too_large(dispute, order)
    await _hold(session, dispute, order)
    return dispute, "dispute_held"


async def _match_late(session: AsyncSession, dispute: CommissionDispute) -> str:
    order = await session.get(OrderCommission, dispute.order_id, with_for_update=True)
    if order is None or _unmatched(dispute, order):
        return "dispute_updated"
    dispute.brand_id, dispute.problem = order.brand_id, _too_large(dispute, order)
    await _hold(session, dispute, order)
    return "dispute_held"


def _too_large(dispute: CommissionDispute, order: OrderCommission) -> str | None:
    left = order.amount_minor - order.refunded_minor
    if dispute.amount_minor > left:
        return f"dispute of {dispute.amount_minor} exceeds the {left} left of order {order.order_id}"
    return None


def _unmatched(dispute: CommissionDispute, order: OrderCommission | None) -> str | None:
    if dispute.order_id is None:
        return f"no order for charge {dispute.charge_id} (payment intent {dispute.payment_intent_id})"
    if order is None:
        return f"order {dispute.order_id} has no commission accrued yet: nothing held"
    if order.currency != dispute.currency:
        return f"currency mismatch: dispute in {dispute.currency}, order in {order.currency}"
    if order.held_by_dispute is not None:
        return f"order {order.order_id} is already held by dispute {order.held_by_dispute}"
    return None


def _shares(dispute: CommissionDispute) -> list[tuple[str, int]]:
    found = [(dispute.partner_id, dispute.partner_held_minor), (dispute.parent_partner_id, dispute.parent_held_minor)]
    return [(partner_id, amount) for partner_id, amount in found if partner_id]


def _posting(dispute: CommissionDispute, reason: Reason, order: OrderCommission) -> Posting:
    return Posting(
        f"{reason.value}:{dispute.stripe_dispute_id}",
        reason,
        max(utcnow(), order.paid_at),
        external_ref=dispute.stripe_dispute_id[:80],
        brand_id=order.brand_id,
        memo={"order_id": order.order_id, "dispute_id": dispute.id},
    )


async def _hold(session: AsyncSession, dispute: CommissionDispute, order: OrderCommission) -> None:
    dispute.held_kind = Kind.PENDING if order.released_at is None else Kind.AVAILABLE
    dispute.partner_id, dispute.parent_partner_id = order.partner_id, order.parent_partner_id
    dispute.partner_held_minor = order.partner_minor - order.partner_reversed_minor
    dispute.parent_held_minor = order.parent_minor - order.parent_reversed_minor
    posting = _posting(dispute, Reason.DISPUTE_HELD, order)
    for partner_id, amount in _shares(dispute):
        posting.add(ledger.partner_key(partner_id, Kind(dispute.held_kind), order.currency), -amount)
        posting.add(ledger.partner_key(partner_id, Kind.DISPUTED, order.currency), amount)
    await _post(session, posting)
    dispute.phase, dispute.opened_at = DisputePhase.HELD, posting.effective_at  # the reconciliation's "held at"
    order.held_by_dispute = dispute.id
    session.add_all([dispute, order])


async def _post(session: AsyncSession, posting: Posting) -> None:
    if posting.legs:
        await ledger.post(session, posting)


async def _close(session: AsyncSession, dispute: CommissionDispute, lost: bool) -> str:
    dispute.closed_at = utcnow()
    if dispute.phase != DisputePhase.HELD or dispute.order_id is None:
        return "dispute_closed_unmatched"  # nothing was held: the listed problem stays for finance
    order = await session.get(OrderCommission, dispute.order_id, with_for_update=True)
    assert order is not None  # held ⇒ the order was found when the dispute opened
    reversed_before = order.partner_reversed_minor + order.parent_reversed_minor
    posting = (_lose if lost else _release)(dispute, order)
    await _post(session, posting)
    if lost:  # the kept order totals follow the order's reversal markers
        reversed_now = order.partner_reversed_minor + order.parent_reversed_minor
        await order_totals.order_reversed(session, order, reversed_now - reversed_before)
    if dispute.fee_minor and dispute.fee_currency:
        await _post(session, _fee(dispute, order))
    order.held_by_dispute = None
    dispute.phase = DisputePhase.LOST if lost else DisputePhase.WON
    dispute.closed_at = posting.effective_at
    session.add_all([dispute, order])
    return f"dispute_{dispute.phase}"


def _release(dispute: CommissionDispute, order: OrderCommission) -> Posting:
    posting = _posting(dispute, Reason.DISPUTE_RELEASED, order)
    for partner_id, amount in _shares(dispute):
        posting.add(ledger.partner_key(partner_id, Kind.DISPUTED, order.currency), -amount)
        posting.add(ledger.partner_key(partner_id, Kind(dispute.held_kind or Kind.PENDING), order.currency), amount)
    return posting


def _lose(dispute: CommissionDispute, order: OrderCommission) -> Posting:
    """The refund arithmetic (cumulative proportional reversal) for the disputed amount, capped at
    what is left of the order; the order's reversal markers move as a refund's would."""
    amount = max(0, min(dispute.amount_minor, order.amount_minor - order.refunded_minor))
    cumulative = order.refunded_minor + amount
    deltas = {
        "partner": proportional(order.partner_minor, cumulative, order.amount_minor) - order.partner_reversed_minor,
        "parent": proportional(order.parent_minor, cumulative, order.amount_minor) - order.parent_reversed_minor,
        "fee": proportional(order.platform_fee_minor, cumulative, order.amount_minor) - order.fee_reversed_minor,
    }
    c, kind = order.currency, Kind(dispute.held_kind or Kind.PENDING)
    posting = _posting(dispute, Reason.DISPUTE_LOST, order)
    posting.add(ledger.brand_key(order.brand_id, Kind.SALES, c), amount)
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, c), -amount)  # the disputed amount, its own line
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, c), sum(deltas.values()))  # commission and fee back
    for partner_id, held, name in (
        (dispute.partner_id, dispute.partner_held_minor, "partner"),
        (dispute.parent_partner_id, dispute.parent_held_minor, "parent"),
    ):
        if partner_id:
            posting.add(ledger.partner_key(partner_id, Kind.DISPUTED, c), -held)
            posting.add(ledger.partner_key(partner_id, kind, c), held - deltas[name])
    posting.add(ledger.platform_fee_key(c), -deltas["fee"])
    order.refunded_minor = cumulative
    order.partner_reversed_minor += deltas["partner"]
    order.parent_reversed_minor += deltas["parent"]
    order.fee_reversed_minor += deltas["fee"]
    dispute.lost_minor = amount
    return posting


def _fee(dispute: CommissionDispute, order: OrderCommission) -> Posting:
    posting = _posting(dispute, Reason.DISPUTE_FEE, order)
    currency = dispute.fee_currency or order.currency
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, currency), -dispute.fee_minor)
    posting.add(ledger.dispute_fee_key(currency), dispute.fee_minor)
    return posting
