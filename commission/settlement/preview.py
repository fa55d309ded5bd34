"""The settlement preview: the plan a run would execute now, without executing it.

It runs the run's own first steps — release what matured, then `decide` — in one transaction and
rolls it back, so the plan shown is computed by the same code as the plan paid, never by a second
estimate of it. Nothing is written: no run, no payout, no ledger entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import Payout, PayoutState
from commission.release import release_matured
from commission.settlement.plan import Decision, SettleRequest, decide, validate_request


@dataclass
class Preview:
    request: SettleRequest
    releasing_orders: int
    decision: Decision
    resends: list[dict[str, Any]] = field(default_factory=list)  # in flight from an interrupted run


async def preview(maker: async_sessionmaker[AsyncSession], request: SettleRequest) -> Preview:
    async with maker() as session:
        scope = await validate_request(session, request)
        try:
            released = await release_matured(session, request.as_of)
            decision = await decide(session, request, scope)
            resends = await _in_flight(session, scope)
        finally:
            await session.rollback()
    return Preview(request, released.orders, decision, resends)


async def _in_flight(session: AsyncSession, scope: list[str] | None) -> list[dict[str, Any]]:
    stmt = select(Payout).where(Payout.state == PayoutState.IN_FLIGHT).order_by(col(Payout.id))
    if scope is not None:
        stmt = stmt.where(col(Payout.partner_id).in_(scope))
    return [
        {
            "payout_id": p.id,
            "partner_id": p.partner_id,
            "currency": p.currency,
            "amount_minor": p.amount_minor,
            "run_id": p.run_id,
        }
        for p in (await session.exec(stmt)).all()
    ]
