"""`OrderPaid` → the order's split is frozen and its commission accrues as *pending*.

No partner, or a self-referral the brand does not reward (`BrandSettings.self_referral_earns`),
accrues no partner or parent commission; the platform fee is still charged, because the platform
still carried the sale (live room, checkout, payment) — the rest is the brand's net."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.schemas import BrandSettings
from commission import ledger, rules
from commission.ledger import Kind, Posting, Reason
from commission.models import CommissionPolicy, OrderCommission, RefundRecord
from commission.refunds import apply_waiting_refunds
from commission.splits import Parties, Split, compute_split
from server.kernel.clock import as_utc
from server.kernel.currency import validate_currency
from server.kernel.outbox import OutboxEvent


async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    await accrue_order(session, event.payload)


def _parse_time(value: Any) -> datetime:
    return as_utc(value if isinstance(value, datetime) else datetime.fromisoformat(str(value)))


def earner(attribution: dict[str, Any], settings: BrandSettings) -> tuple[str | None, str | None, str | None]:
    """(partner, parent, reason for no commission) per the attribution in OrderPaid."""
    partner_id = attribution.get("partner_id")
    if not partner_id:
        return None, None, "no_partner"
    if attribution.get("self_referral") and not settings.self_referral_earns:
        return None, None, "self_referral"
    if attribution.get("earns") is False:  # distribution's verdict (docs/events.md), when it gives one
        return None, None, "not_earning"
    parent_id = attribution.get("parent_partner_id")
    return partner_id, (parent_id if parent_id and parent_id != partner_id else None), None


@dataclass(frozen=True, slots=True)
class OrderContext:
    known: bool
    settings: BrandSettings
    policy: CommissionPolicy
    waiting_refunds: int


async def order_context(session: AsyncSession, order_id: str, brand_id: str) -> OrderContext:
    """Replay check, brand policy and refunds waiting for this order, in one round trip (hot path)."""
    oc, rr, cp = OrderCommission, RefundRecord, CommissionPolicy

    def policy_col(column: Any) -> Any:
        return sa.select(column).where(col(cp.brand_id) == brand_id).scalar_subquery()

    stmt = sa.select(
        sa.exists().where(col(oc.order_id) == order_id),
        sa.select(col(Brand.settings)).where(col(Brand.id) == brand_id).scalar_subquery(),
        policy_col(cp.platform_fee_bps),
        policy_col(cp.parent_override_bps),
        sa.select(sa.func.count())
        .select_from(rr)
        .where(col(rr.order_id) == order_id, col(rr.applied_at).is_(None))
        .scalar_subquery(),
    )
    known, settings, fee, override, waiting = (await session.execute(stmt)).one()
    if isinstance(settings, str):
        settings = json.loads(settings)
    policy = CommissionPolicy(
        brand_id=brand_id, platform_fee_bps=Decimal(fee or 0), parent_override_bps=Decimal(override or 0)
    )
    return OrderContext(bool(known), BrandSettings.model_validate(settings or {}), policy, int(waiting or 0))


async def accrue_order(session: AsyncSession, payload: dict[str, Any]) -> OrderCommission | None:
    """Freeze the split and post `commission_accrued`; a replay of the same order is a no-op."""
    order_id, brand_id = str(payload["order_id"]), str(payload["brand_id"])
    context = await order_context(session, order_id, brand_id)
    if context.known:
        return None
    partner_id, parent_id, no_reason = earner(payload.get("attribution") or {}, context.settings)
    split = await _split(session, payload, Parties(brand_id, partner_id, parent_id), context)
    paid_at = _parse_time(payload["paid_at"])
    order = OrderCommission(
        order_id=order_id,
        brand_id=brand_id,
        session_id=payload.get("session_id"),
        currency=validate_currency(payload["currency"]),
        amount_minor=int(payload["amount_minor"]),
        partner_id=partner_id,
        parent_partner_id=parent_id,
        partner_minor=split.total("partner"),
        parent_minor=split.total("parent"),
        platform_fee_minor=split.total("platform"),
        brand_net_minor=split.total("brand"),
        split_lines=[line.as_json() for line in split.lines],
        no_commission_reason=no_reason,
        paid_at=paid_at,
        hold_until=paid_at + timedelta(days=context.settings.hold_period_days),
    )
    session.add(order)
    await ledger.post_many(session, [accrual_posting(order)])  # a new order ⇒ a new key (UNIQUE backs it up)
    if context.waiting_refunds:
        await apply_waiting_refunds(session, order)
    return order


async def _split(session: AsyncSession, payload: dict[str, Any], parties: Parties, context: OrderContext) -> Split:
    lines = [(str(line["sku_id"]), int(line["amount_minor"])) for line in payload.get("lines") or []]
    rates = {}
    if parties.partner_id is not None and lines:
        rates = await rules.resolve_rates(
            session,
            parties.brand_id,
            context.settings,
            payload.get("session_id"),
            parties.partner_id,
            sorted({sku for sku, _ in lines}),
        )
    priced = [(sku, amount, rates[sku]) for sku, amount in lines] if rates else []
    return compute_split(
        int(payload["amount_minor"]), parties, priced, rules.parent_rate(context.policy), rules.fee_rate(context.policy)
    )


def accrual_posting(order: OrderCommission) -> Posting:
    c = order.currency
    posting = Posting(
        f"{Reason.ACCRUED.value}:{order.order_id}",
        Reason.ACCRUED,
        order.paid_at,
        external_ref=order.order_id,
        brand_id=order.brand_id,
    )
    posting.add(ledger.brand_key(order.brand_id, Kind.SALES, c), -order.amount_minor)
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, c), order.brand_net_minor)
    if order.partner_id:
        posting.add(ledger.partner_key(order.partner_id, Kind.PENDING, c), order.partner_minor)
    if order.parent_partner_id:
        posting.add(ledger.partner_key(order.parent_partner_id, Kind.PENDING, c), order.parent_minor)
    posting.add(ledger.platform_fee_key(c), order.platform_fee_minor)
    return posting
