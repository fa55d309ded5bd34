"""HTTP: an order's commission entries and the refund reversal preview, for the brand's order page."""

from __future__ import annotations

from litestar import Controller, get
from litestar.params import Parameter
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.order_ledger import OrderEntryPublic, ReversalPreviewPublic, order_entries, preview_reversal
from server.kernel.pagination import Page
from server.kernel.principal import Principal, Role
from server.kernel.routing import roles


class OrderLedgerController(Controller):
    path = "/api/v1/orders/{order_id:str}/commission"
    tags = ["commission"]

    @get("/entries", opt=roles(Role.ADMIN, Role.BRAND, Role.FINANCE), summary="The order's ledger entries")
    async def entries(self, order_id: str, db: AsyncSession, principal: Principal) -> Page[OrderEntryPublic]:
        return Page(items=await order_entries(db, principal, order_id))

    @get(
        "/refund-preview",
        opt=roles(Role.ADMIN, Role.BRAND),
        summary="Read-only: the commission a refund of this amount would reverse (omit for the rest)",
    )
    async def refund_preview(
        self,
        order_id: str,
        db: AsyncSession,
        principal: Principal,
        amount_minor: int | None = Parameter(default=None, ge=1, le=10**12),
    ) -> ReversalPreviewPublic:
        return await preview_reversal(db, principal, order_id, amount_minor)
