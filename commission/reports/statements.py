"""Statements for any period, from entries alone.

A partner's *owed* balance is pending + available + in_flight (what the platform still owes it;
negative after a clawback). Over a period: closing = opening + accrued − reversed + PK bonuses
− PK bonus reversals − paid out;
releases and failed payouts move money between the partner's own accounts and are shown, not
added. A brand's statement shows gross sales, refunds, commissions and fees, and its net.

The summaries read the kept totals (`commission/totals`): their cost does not grow with the ledger."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Kind, Reason
from commission.reports.flows import flows, transactions_of

OWED = (Kind.PENDING, Kind.AVAILABLE, Kind.IN_FLIGHT, Kind.DISPUTED)  # disputed: frozen, still owed
REVERSALS = (Reason.REVERSED, Reason.DISPUTE_LOST)  # a lost dispute is reversed like a refund


def _by_currency(found: dict[tuple[str, str, str, str], int]) -> dict[str, dict[tuple[str, str], int]]:
    out: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    for (_, kind, currency, reason), amount in found.items():
        out[currency][(kind, reason)] += amount
    return out


async def partner_statement(session: AsyncSession, partner_id: str, since: datetime, until: datetime) -> dict[str, Any]:
    """The summary and every line (the original shape; the API also serves them apart, lines paged)."""
    summary = await partner_summary(session, partner_id, since, until)
    return {**summary, "lines": await transactions_of(session, "partner", partner_id, since, until)}


async def partner_summary(session: AsyncSession, partner_id: str, since: datetime, until: datetime) -> dict[str, Any]:
    """Opening, accrued, released, reversed, paid and closing per currency, from the kept totals."""
    before = _by_currency(await flows(session, "partner", [partner_id], None, since))
    during = _by_currency(await flows(session, "partner", [partner_id], since, until))
    currencies = []
    for currency in sorted(set(before) | set(during)):
        b, d = before.get(currency, {}), during.get(currency, {})
        opening = {k.value: sum(v for (kind, _), v in b.items() if kind == k) for k in (*OWED, Kind.PAID)}
        row: dict[str, Any] = {
            "currency": currency,
            "opening_owed_minor": sum(opening[k] for k in OWED),
            "opening": opening,
            "accrued_minor": d.get((Kind.PENDING, Reason.ACCRUED), 0),
            "released_minor": d.get((Kind.AVAILABLE, Reason.RELEASED), 0),
            "reversed_minor": -sum(v for (_, r), v in d.items() if r in REVERSALS),
            "disputed_minor": d.get((Kind.DISPUTED, Reason.DISPUTE_HELD), 0),  # frozen in the period (shown)
            "pk_bonus_minor": sum(v for (_, r), v in d.items() if r == Reason.PK_BONUS),
            "pk_bonus_reversed_minor": -sum(v for (_, r), v in d.items() if r == Reason.PK_BONUS_REVERSED),
            "payouts_initiated_minor": d.get((Kind.IN_FLIGHT, Reason.PAYOUT_INITIATED), 0),
            "payouts_failed_minor": d.get((Kind.AVAILABLE, Reason.PAYOUT_FAILED), 0),
            "paid_out_minor": d.get((Kind.PAID, Reason.PAYOUT_SENT), 0),
        }
        closing = {k: opening[k] + sum(v for (kind, _), v in d.items() if kind == k) for k in opening}
        row.update(closing=closing, closing_owed_minor=sum(closing[k] for k in OWED))
        row["ties_out"] = row["closing_owed_minor"] == (
            row["opening_owed_minor"]
            + row["accrued_minor"]
            - row["reversed_minor"]
            + row["pk_bonus_minor"]
            - row["pk_bonus_reversed_minor"]
            - row["paid_out_minor"]
        )
        currencies.append(row)
    return {"partner_id": partner_id, "since": since.isoformat(), "until": until.isoformat(), "currencies": currencies}


async def brand_statement(session: AsyncSession, brand_id: str, since: datetime, until: datetime) -> dict[str, Any]:
    """The summary and every line (the original shape; the API also serves them apart, lines paged)."""
    summary = await brand_summary(session, brand_id, since, until)
    return {**summary, "lines": await transactions_of(session, "brand", brand_id, since, until)}


async def brand_summary(session: AsyncSession, brand_id: str, since: datetime, until: datetime) -> dict[str, Any]:
    """Gross sales, refunds, commissions and fees, and the net per currency, from the kept totals."""
    during = _by_currency(await flows(session, "brand", [brand_id], since, until))
    currencies = []
    for currency, d in sorted(during.items()):
        gross = -d.get((Kind.SALES, Reason.ACCRUED), 0)
        refunds = d.get((Kind.SALES, Reason.REVERSED), 0)
        disputes_lost = d.get((Kind.SALES, Reason.DISPUTE_LOST), 0)
        net = sum(d.get((Kind.NET, r), 0) for r in (Reason.ACCRUED, Reason.REVERSED, Reason.DISPUTE_LOST))
        dispute_fees = -d.get((Kind.NET, Reason.DISPUTE_FEE), 0)
        pk_bonuses = -(d.get((Kind.NET, Reason.PK_BONUS), 0) + d.get((Kind.NET, Reason.PK_BONUS_REVERSED), 0))
        currencies.append(
            {
                "currency": currency,
                "gross_sales_minor": gross,
                "refunds_minor": refunds,
                "disputes_lost_minor": disputes_lost,  # chargebacks the brand lost (like refunds)
                "commissions_and_fees_minor": gross - refunds - disputes_lost - net,
                "net_minor": net,
                "dispute_fees_minor": dispute_fees,  # Stripe's dispute fees, borne by the brand
                "pk_bonuses_minor": pk_bonuses,  # prizes the brand paid to partners (its own line)
                "net_after_pk_bonuses_minor": net - pk_bonuses,
            }
        )
    return {"brand_id": brand_id, "since": since.isoformat(), "until": until.isoformat(), "currencies": currencies}
