"""The reconciliation report for a period, every mismatch listed with its reason.

1. Orders: paid orders less applied refunds (from the frozen order records and refund records)
   = brand net + commissions + platform fee (from the ledger's accrual and reversal entries).
2. Commission: accrued − reversed + PK bonuses − PK bonus reversals = pending + available +
   in_flight + paid (ledger, up to `until`); the frozen splits less their reversals agree with the
   ledger's accruals less reversals, and the frozen competition prizes less their adjustments
   agree with the ledger's PK bonuses less their reversals. (PK bonuses come out of the brand's
   net after the sale, so check 1 is about orders only.)
   A lost dispute counts as a refund in checks 1 and 2, and *disputed* as a partner account;
   the disputes' own check (`commission/reports/disputes.py`) adds a section.
3. Payouts: every paid payout settled in the period matches one Stripe transfer by id, amount,
   currency and destination; every Stripe transfer created in the period matches one payout. The
   transfers are read from their local copy, synced from Stripe first (`commission/reports/transfers.py`).
The ledger's sums come from the totals kept as entries post (`commission/totals`), so a report
costs the same at a thousand orders and at a million; `as_of` says when it was taken.
4. Refunds: a refund Stripe reported with another amount or currency than ours is listed
   (`refund_mismatches`), never silently overwritten."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.ledger import Kind, Reason
from commission.models import OrderCommission, Payout, PayoutState, RefundRecord
from commission.reports.disputes import disputes_lost, disputes_section
from commission.reports.flows import flows
from commission.reports.refund_mismatches import refund_mismatches
from commission.reports.transfers import sync_transfers, transfers_between
from distribution.competitions.models import BonusAdjustment, CompetitionResult
from server.kernel.clock import utcnow

SLACK = timedelta(hours=1)


async def reconcile(
    session: AsyncSession, since: datetime, until: datetime, gateway: ConnectGateway | None
) -> dict[str, Any]:
    mismatches: list[dict[str, Any]] = []
    as_of = utcnow()  # the ledger's totals as they stood then (the transfers: `payouts.transfers_as_of`)
    orders = await _orders_section(session, since, until, mismatches)
    commission = await _commission_section(session, until, mismatches)
    payouts = await _payouts_section(session, since, until, gateway, mismatches)
    mismatches += await refund_mismatches(session, since, until)  # 4. refunds Stripe reports differently
    disputes = await disputes_section(session, since, until, mismatches)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "as_of": as_of.isoformat(),
        "orders": orders,
        "commission": commission,
        "payouts": payouts,
        "disputes": disputes,
        "mismatches": mismatches,
        "ok": not mismatches,
    }


async def _orders_section(
    session: AsyncSession, since: datetime, until: datetime, mismatches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    oc, rr = OrderCommission, RefundRecord
    paid = await _sums(
        session,
        sa.select(oc.currency, sa.func.sum(oc.amount_minor))  # type: ignore[call-overload]
        .where(oc.paid_at >= since, oc.paid_at < until)
        .group_by(oc.currency),
    )
    refunded = await _sums(
        session,
        sa.select(rr.currency, sa.func.sum(rr.applied_minor))  # type: ignore[call-overload]
        .where(col(rr.effective_at) >= since, col(rr.effective_at) < until)
        .group_by(rr.currency),
    )
    lost = await disputes_lost(session, since, until)
    moved: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for owner_type, kinds in (
        ("brand", {Kind.NET: "brand_net"}),
        ("platform", {Kind.FEE: "platform_fee"}),
        ("partner", {k: "commissions" for k in Kind}),
    ):
        for (_, kind, currency, reason), amount in (await flows(session, owner_type, None, since, until)).items():
            if reason in (Reason.ACCRUED, Reason.REVERSED, Reason.DISPUTE_LOST) and kind in kinds:
                moved[currency][kinds[Kind(kind)]] += amount
    rows = []
    for currency in sorted(set(paid) | set(refunded) | set(moved) | set(lost)):
        m = moved.get(currency, {})
        row: dict[str, Any] = {
            "currency": currency,
            "paid_orders_minor": paid.get(currency, 0),
            "refunds_minor": refunded.get(currency, 0),
            "disputes_lost_minor": lost.get(currency, 0),
            "brand_net_minor": m.get("brand_net", 0),
            "commissions_minor": m.get("commissions", 0),
            "platform_fee_minor": m.get("platform_fee", 0),
        }
        left = row["paid_orders_minor"] - row["refunds_minor"] - row["disputes_lost_minor"]
        right = row["brand_net_minor"] + row["commissions_minor"] + row["platform_fee_minor"]
        if left != right:
            mismatches.append(
                {
                    "section": "orders",
                    "currency": currency,
                    "reason": f"paid orders less refunds and lost disputes {left} ≠ brand net + commissions + fee"
                    f" {right}",
                }
            )
        rows.append(row)
    return rows


async def _commission_section(
    session: AsyncSession, until: datetime, mismatches: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found = await flows(session, "partner", None, None, until)
    by_currency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for (_, kind, currency, reason), amount in found.items():
        if reason == Reason.ACCRUED:
            by_currency[currency]["accrued_minor"] += amount
        elif reason in (Reason.REVERSED, Reason.DISPUTE_LOST):
            by_currency[currency]["reversed_minor"] -= amount
        elif reason == Reason.PK_BONUS:
            by_currency[currency]["pk_bonus_minor"] += amount
        elif reason == Reason.PK_BONUS_REVERSED:
            by_currency[currency]["pk_bonus_reversed_minor"] -= amount
        by_currency[currency][f"{kind}_minor"] += amount
    frozen = await _frozen_commission(session, until)
    prizes = await frozen_prizes(session, until)
    rows = []
    for currency in sorted(set(by_currency) | set(frozen) | set(prizes)):
        row: dict[str, Any] = {
            "currency": currency,
            **{
                k: by_currency[currency].get(k, 0)
                for k in (
                    "accrued_minor",
                    "reversed_minor",
                    "pk_bonus_minor",
                    "pk_bonus_reversed_minor",
                    "pending_minor",
                    "available_minor",
                    "in_flight_minor",
                    "paid_minor",
                    "disputed_minor",
                )
            },
        }
        row["frozen_splits_minor"] = frozen.get(currency, 0)
        row["frozen_pk_prizes_minor"] = prizes.get(currency, 0)
        earned = row["accrued_minor"] - row["reversed_minor"]
        bonuses = row["pk_bonus_minor"] - row["pk_bonus_reversed_minor"]
        held = sum(row[f"{k}_minor"] for k in ("pending", "available", "in_flight", "paid", "disputed"))
        if earned + bonuses != held:
            mismatches.append(
                {
                    "section": "commission",
                    "currency": currency,
                    "reason": f"accrued less reversed plus PK bonuses {earned + bonuses} ≠ pending + available"
                    f" + in flight + paid + disputed {held}",
                }
            )
        if bonuses != row["frozen_pk_prizes_minor"]:
            mismatches.append(
                {
                    "section": "commission",
                    "currency": currency,
                    "reason": f"ledger PK bonuses {bonuses} ≠ frozen competition prizes less adjustments "
                    f"{row['frozen_pk_prizes_minor']}",
                }
            )
        if earned != row["frozen_splits_minor"]:
            mismatches.append(
                {
                    "section": "commission",
                    "currency": currency,
                    "reason": f"ledger commission {earned} ≠ frozen order splits less reversals "
                    f"{row['frozen_splits_minor']}",
                }
            )
        rows.append(row)
    return rows


async def _frozen_commission(session: AsyncSession, until: datetime) -> dict[str, int]:
    oc = OrderCommission
    earned = (
        col(oc.partner_minor) + col(oc.parent_minor) - col(oc.partner_reversed_minor) - col(oc.parent_reversed_minor)
    )
    return await _sums(
        session,
        sa.select(oc.currency, sa.func.sum(earned)).where(oc.paid_at < until).group_by(oc.currency),  # type: ignore[call-overload]
    )


async def frozen_prizes(session: AsyncSession, until: datetime) -> dict[str, int]:
    """Prizes frozen at competitions' close, plus the `adjust_bonus` changes since (distribution's record)."""
    r, a = CompetitionResult, BonusAdjustment
    prizes = await _sums(
        session,
        sa.select(r.currency, sa.func.sum(r.bonus_minor)).where(r.frozen_at < until).group_by(r.currency),  # type: ignore[call-overload]
    )
    changes = await _sums(
        session,
        sa.select(a.currency, sa.func.sum(a.delta_minor)).where(a.created_at < until).group_by(a.currency),  # type: ignore[call-overload]
    )
    return {c: prizes.get(c, 0) + changes.get(c, 0) for c in set(prizes) | set(changes)}


async def _sums(session: AsyncSession, stmt: Any) -> dict[str, int]:
    return {c: int(v or 0) for c, v in (await session.execute(stmt)).all()}


async def _payouts_section(
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
