"""Every partner's balance per currency (pending · available · in flight · paid · disputed), by
name, each negative *available* with the reversals that made it so."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.finance.clawbacks import negative_causes
from commission.finance.partners import partner_names

KINDS = ("pending", "available", "in_flight", "paid", "disputed")


async def partner_balances(session: AsyncSession, scope: list[str] | None) -> list[dict[str, Any]]:
    """Owing partners first (most available first), then the rest by name."""
    found = await ledger.kept_balances(session, owner_type="partner", owner_ids=scope)  # the running totals
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for key, amount in found.items():
        row = rows.setdefault((key.owner_id, key.currency), _empty(key.owner_id, key.currency))
        if key.kind in KINDS:
            row[f"{key.kind}_minor"] = amount
    names = await partner_names(session, {p for p, _ in rows})
    negative = [k for k, r in rows.items() if r["available_minor"] < 0]
    causes = await negative_causes(session, negative)
    for (partner_id, currency), row in rows.items():
        row["partner_name"] = names.get(partner_id, partner_id)
        row["negative"] = causes.get((partner_id, currency))
    return sorted(rows.values(), key=lambda r: (-r["available_minor"], r["partner_name"], r["currency"]))


def _empty(partner_id: str, currency: str) -> dict[str, Any]:
    return {"partner_id": partner_id, "currency": currency, **{f"{k}_minor": 0 for k in KINDS}}


def balance_csv_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        negative = row.get("negative") or {}
        causes = "; ".join(
            f"{c['reason']} {c['external_ref'] or ''} (order {c['order_id'] or '-'}) {c['amount_minor']}"
            for c in negative.get("causes", [])
        )
        out.append({**row, "after_payout": negative.get("payout_id") or "", "negative_causes": causes})
    return out


BALANCE_COLUMNS = [
    "partner_id",
    "partner_name",
    "currency",
    "pending_minor",
    "available_minor",
    "in_flight_minor",
    "paid_minor",
    "disputed_minor",
    "after_payout",
    "negative_causes",
]
