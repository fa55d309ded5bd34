"""The finance desk's service: one method per question the desk asks, each answered from the
ledger and the payouts, partners named, a brand's partners when a brand is asked for."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.finance.balances import partner_balances
from commission.finance.daily import daily_commission
from commission.finance.partners import brand_scope, partner_names
from commission.finance.payouts import PayoutFilter, payouts_page
from commission.finance.schemas import (
    SettlementJobPublic,
    SettlementPreviewPublic,
)
from commission.models import SettlementJob
from commission.settlement.plan import SettleRequest
from commission.settlement.preview import preview
from commission.time_params import parse_time
from server.kernel.clock import utcnow


class FinanceDeskService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def balances(self, brand_id: str | None) -> list[dict[str, Any]]:
        return await partner_balances(self.session, await brand_scope(self.session, brand_id))

    async def payouts(
        self, wanted: PayoutFilter, brand_id: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        scope = await brand_scope(self.session, brand_id)
        if scope is not None:
            wanted.partner_ids = sorted(set(scope) & set(wanted.partner_ids)) if wanted.partner_ids else scope
        return await payouts_page(self.session, wanted, cursor, limit)

    async def daily(self, brand_id: str | None, since: datetime, until: datetime) -> list[dict[str, Any]]:
        return await daily_commission(self.session, await brand_scope(self.session, brand_id), since, until)

    async def job(self, job: SettlementJob) -> SettlementJobPublic:
        result = job.result or None
        ids = {
            r["partner_id"]
            for key in ("payouts", "skipped", "still_in_flight", "planned")
            for r in (result or {}).get(key, [])
        }
        request = job.request
        return SettlementJobPublic(
            id=job.id,
            state=job.state,
            phase=job.phase,
            as_of=request["as_of"],
            brand_id=request.get("brand_id"),
            currency=request.get("currency"),
            expected_plan=request.get("expected_plan"),
            progress_done=job.progress_done,
            progress_total=job.progress_total,
            run_id=job.run_id,
            error=job.error,
            result=result,
            partner_names=await partner_names(self.session, ids),
            created_at=job.created_at,
            heartbeat_at=job.heartbeat_at,
            finished_at=job.finished_at,
        )


async def settlement_preview(
    maker: async_sessionmaker[AsyncSession], request: SettleRequest
) -> SettlementPreviewPublic:
    found = await preview(maker, request)
    decision = found.decision
    totals: dict[str, int] = {}
    for payout in decision.payouts:
        totals[payout.currency] = totals.get(payout.currency, 0) + payout.amount_minor
    ids = {p.partner_id for p in decision.payouts} | {s["partner_id"] for s in decision.skipped}
    ids |= {r["partner_id"] for r in found.resends}
    async with maker() as session:
        names = await partner_names(session, ids)
    return SettlementPreviewPublic(
        as_of=request.as_of,
        brand_id=request.brand_id,
        currency=request.currency,
        releasing_orders=found.releasing_orders,
        payouts=decision.planned_rows(),
        skipped=decision.skipped,
        resends=found.resends,
        totals=[{"currency": c, "amount_minor": a} for c, a in sorted(totals.items())],
        fingerprint=decision.fingerprint(),
        partner_names=names,
    )


def preview_request(as_of: str | None, brand_id: str | None, currency: str | None) -> SettleRequest:
    return SettleRequest(
        as_of=parse_time("as_of", as_of) or utcnow(), brand_id=brand_id or None, currency=currency or None
    )
