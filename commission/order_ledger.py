"""An order's commission as the brand's order page reads it: the ledger entries posted for it (the
accrual and each refund's reversal) and, read-only, what a refund of a given amount would reverse
(`reversal_shares`, the very function the refund's posting uses)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import JournalTransaction, LedgerAccount, LedgerEntry, OrderCommission, RefundRecord
from commission.reversal_shares import reversal_shares
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound


class OrderEntryPublic(BaseModel):
    transaction_id: str
    reason: str
    external_ref: str | None
    effective_at: datetime
    owner_type: str  # partner | brand | platform
    owner_id: str
    kind: str
    amount_minor: int
    currency: str


class ReversalPreviewPublic(BaseModel):
    order_id: str
    currency: str
    refund_minor: int  # what was asked
    applies_minor: int  # what the commission can still take of it
    partner_id: str | None
    parent_partner_id: str | None
    partner_minor: int
    parent_minor: int
    platform_fee_minor: int
    brand_net_minor: int  # what the brand's net gives back: the refund less the commission reversed


async def order_commission(session: AsyncSession, principal: Principal, order_id: str) -> OrderCommission:
    order = await session.get(OrderCommission, order_id)
    if order is None:
        raise NotFound.of("order", order_id)
    principal.ensure_brand(order.brand_id, "order", order_id)
    return order


async def preview_reversal(
    session: AsyncSession, principal: Principal, order_id: str, amount_minor: int | None
) -> ReversalPreviewPublic:
    order = await order_commission(session, principal, order_id)
    asked = order.amount_minor - order.refunded_minor if amount_minor is None else amount_minor
    if asked < 1:
        raise InvalidInput("amount_minor must be at least 1", extra={"errors": [{"field": "amount_minor"}]})
    shares = reversal_shares(order, asked)
    commission = shares.partner_minor + shares.parent_minor + shares.fee_minor
    return ReversalPreviewPublic(
        order_id=order_id,
        currency=order.currency,
        refund_minor=asked,
        applies_minor=shares.amount_minor,
        partner_id=order.partner_id,
        parent_partner_id=order.parent_partner_id,
        partner_minor=shares.partner_minor,
        parent_minor=shares.parent_minor,
        platform_fee_minor=shares.fee_minor,
        brand_net_minor=shares.amount_minor - commission,
    )


async def order_entries(session: AsyncSession, principal: Principal, order_id: str) -> list[OrderEntryPublic]:
    """One statement: the entries of the order's accrual and of its refunds' reversals, in posting order."""
    await order_commission(session, principal, order_id)
    refund_ids = select(RefundRecord.refund_id).where(RefundRecord.order_id == order_id)
    stmt = (
        select(JournalTransaction, LedgerEntry, LedgerAccount)
        .join(LedgerEntry, col(LedgerEntry.transaction_id) == JournalTransaction.id)
        .join(LedgerAccount, col(LedgerAccount.id) == LedgerEntry.account_id)
        .where(or_(JournalTransaction.external_ref == order_id, col(JournalTransaction.external_ref).in_(refund_ids)))
        .order_by(col(JournalTransaction.effective_at), col(LedgerEntry.id))
    )
    return [
        OrderEntryPublic(
            transaction_id=tx.id,
            reason=tx.reason,
            external_ref=tx.external_ref,
            effective_at=tx.effective_at,
            owner_type=account.owner_type,
            owner_id=account.owner_id,
            kind=account.kind,
            amount_minor=entry.amount_minor,
            currency=entry.currency,
        )
        for tx, entry, account in (await session.exec(stmt)).all()
    ]
