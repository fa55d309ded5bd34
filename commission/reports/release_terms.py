"""Each accrual line's release condition, for the statement: the brand's `release_on` frozen on the
order at payment, and when it releases — a date under `days` (its hold), the order's completion
under `completion` (no date until it completes). One batched lookup per page of lines, by the
accruals' order ids (their `external_ref`), never one per line."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.ledger import Reason
from commission.models import OrderCommission

TERMS = ("release_on", "releases_at", "completed_at")
Terms = tuple[str, datetime | None, datetime | None]


async def with_release_terms(session: AsyncSession, lines: list[dict[str, object]]) -> list[dict[str, object]]:
    """The lines with `release_on`, `releases_at` and `completed_at` (null on lines that are not accruals)."""
    orders = {str(line["external_ref"]) for line in lines if _is_accrual(line)}
    terms = await _terms(session, orders) if orders else {}
    for line in lines:
        found = terms.get(str(line["external_ref"])) if _is_accrual(line) else None
        line.update(_shown(found))
    return lines


def _is_accrual(line: dict[str, object]) -> bool:
    return line["reason"] == Reason.ACCRUED.value and line["external_ref"] is not None


async def _terms(session: AsyncSession, orders: set[str]) -> dict[str, Terms]:
    oc = OrderCommission
    stmt = sa.select(oc.order_id, oc.release_on, oc.hold_until, oc.completed_at).where(  # type: ignore[call-overload]
        col(oc.order_id).in_(orders)
    )
    return {order_id: (release_on, hold, done) for order_id, release_on, hold, done in await session.execute(stmt)}


def _shown(found: Terms | None) -> dict[str, object]:
    if found is None:
        return dict.fromkeys(TERMS)
    release_on, hold_until, completed_at = found
    # under `completion` the hold is moot until the order completes (then hold_until = completed_at)
    releases_at = hold_until if release_on == "days" or completed_at is not None else None
    return {
        "release_on": release_on,
        "releases_at": _iso(releases_at),
        "completed_at": _iso(completed_at),
    }


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None
