"""Listing disputes: a brand its own, finance every brand's (and those no order was found for)."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.dispute_schemas import DisputeFilter, DisputePublic
from commission.models import CommissionDispute
from server.kernel.pagination import Page, fetch_page


class DisputesService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list(
        self, brand_id: str | None, state: DisputeFilter, cursor: str | None, limit: int
    ) -> Page[DisputePublic]:
        """Newest first; `brand_id` None is every brand (finance), unmatched disputes included."""
        stmt = select(CommissionDispute)
        if brand_id is not None:
            stmt = stmt.where(CommissionDispute.brand_id == brand_id)
        if state is DisputeFilter.OPEN:
            stmt = stmt.where(col(CommissionDispute.closed_at).is_(None))
        elif state is DisputeFilter.CLOSED:
            stmt = stmt.where(col(CommissionDispute.closed_at).is_not(None))
        rows, nxt = await fetch_page(self.session, stmt, col(CommissionDispute.id), cursor, limit, newest_first=True)
        return Page(items=[DisputePublic.of(r) for r in rows], next_cursor=nxt)
