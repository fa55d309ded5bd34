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
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.connect import ConnectGateway
from commission.ledger import Kind, Reason
from commission.order_totals import order_sums
from commission.reports.disputes import disputes_lost, disputes_section
from commission.reports.flows import flows
from commission.reports.payout_matching import payouts_section
from commission.reports.refund_mismatches import refund_mismatches
from distribution.competitions.models import BonusAdjustment, CompetitionResult
from server.kernel.clock import utcnow


async def reconcile(
    session: AsyncSession, since: datetime, until: datetime, gateway: ConnectGateway | None
) -> dict[str, Any]:
    mismatches: list[dict[str, Any]] = []
    as_of = utcnow()  # the ledger's totals as they stood then (the transfers: `payouts.transfers_as_of`)
    orders = await _orders_section(session, since, until, mismatches)
    commission = await _commission_section(session, until, mismatches)
    payouts = await payouts_section(session, since, until, gateway, mismatches)
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
    sums = await order_sums(session, since, until)  # kept per day: whole days' rows + partial days' records
    paid = {currency: s["paid_minor"] for currency, s in sums.items()}
    refunded = {currency: s["refunds_minor"] for currency, s in sums.items()}
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
    return {currency: s["earned_minor"] for currency, s in (await order_sums(session, None, until)).items()}


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
