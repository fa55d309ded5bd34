"""Reading the ledger back in the dispute tests: a partner's balances, a brand's, the dispute rows."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from sqlmodel import col, func, select

from commission import ledger
from commission.models import CommissionDispute, JournalTransaction


async def partner_balances(app: Litestar, partner_id: str) -> dict[str, int]:
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    return {k.kind: v for k, v in found.items() if v}


async def brand_balances(app: Litestar, brand_id: str) -> dict[str, int]:
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="brand", owner_ids=[brand_id])
    return {k.kind: v for k, v in found.items() if v}


async def dispute_row(app: Litestar, stripe_dispute_id: str) -> CommissionDispute:
    async with app.state.sessionmaker() as session:
        stmt = select(CommissionDispute).where(CommissionDispute.stripe_dispute_id == stripe_dispute_id)
        return (await session.exec(stmt)).one()


async def transactions(app: Litestar, external_ref: str) -> list[str]:
    async with app.state.sessionmaker() as session:
        stmt = (
            select(JournalTransaction.reason)
            .where(JournalTransaction.external_ref == external_ref)
            .order_by(col(JournalTransaction.created_at), col(JournalTransaction.id))
        )
        return list((await session.exec(stmt)).all())


async def count_transactions(app: Litestar) -> int:
    async with app.state.sessionmaker() as session:
        return int((await session.exec(select(func.count()).select_from(JournalTransaction))).one())


def by_kind(rows: dict[Any, int]) -> dict[str, int]:
    return {k.kind: v for k, v in rows.items() if v}
