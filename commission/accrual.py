"""`OrderPaid` → the order's split is frozen and its commission accrues as *pending*.

No partner, or a self-referral the brand does not reward (`BrandSettings.self_referral_earns`),
accrues no partner or parent commission; the platform fee is still charged, because the platform
still carried the sale (live room, checkout, payment) — the rest is the brand's net."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.schemas import BrandSettings
from commission import ledger, rules
from commission.ledger import Kind, Posting, Reason
from commission.models import OrderCommission
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
    parent_id = attribution.get("parent_partner_id")
    return partner_id, (parent_id if parent_id and parent_id != partner_id else None), None


async def accrue_order(session: AsyncSession, payload: dict[str, Any]) -> OrderCommission | None:
    """Freeze the split and post `commission_accrued`; a replay of the same order is a no-op."""
    order_id = str(payload["order_id"])
    if await session.get(OrderCommission, order_id) is not None:
        return None
    brand_id = str(payload["brand_id"])
    settings = await rules.brand_settings(session, brand_id)
    partner_id, parent_id, no_reason = earner(payload.get("attribution") or {}, settings)
    split = await _split(session, payload, Parties(brand_id, partner_id, parent_id), settings)
    paid_at = _parse_time(payload["paid_at"])
    order = OrderCommission(
        order_id=order_id, brand_id=brand_id, session_id=payload.get("session_id"),
        currency=validate_currency(payload["currency"]), amount_minor=int(payload["amount_minor"]),
        partner_id=partner_id, parent_partner_id=parent_id, partner_minor=split.total("partner"),
        parent_minor=split.total("parent"), platform_fee_minor=split.total("platform"),
        brand_net_minor=split.total("brand"), split_lines=[line.as_json() for line in split.lines],
        no_commission_reason=no_reason, paid_at=paid_at,
        hold_until=paid_at + timedelta(days=settings.hold_period_days))
    session.add(order)
    await ledger.post(session, accrual_posting(order))
    await apply_waiting_refunds(session, order)
    return order


async def _split(session: AsyncSession, payload: dict[str, Any], parties: Parties, settings: BrandSettings) -> Split:
    policy = await rules.policy_of(session, parties.brand_id)
    lines = [(str(line["sku_id"]), int(line["amount_minor"])) for line in payload.get("lines") or []]
    rates = {}
    if parties.partner_id is not None and lines:
        rates = await rules.resolve_rates(session, parties.brand_id, settings, payload.get("session_id"),
                                          parties.partner_id, sorted({sku for sku, _ in lines}))
    priced = [(sku, amount, rates[sku]) for sku, amount in lines] if rates else []
    return compute_split(int(payload["amount_minor"]), parties, priced, rules.parent_rate(policy),
                         rules.fee_rate(policy))


def accrual_posting(order: OrderCommission) -> Posting:
    c = order.currency
    posting = Posting(f"{Reason.ACCRUED.value}:{order.order_id}", Reason.ACCRUED, order.paid_at,
                      external_ref=order.order_id, brand_id=order.brand_id)
    posting.add(ledger.brand_key(order.brand_id, Kind.SALES, c), -order.amount_minor)
    posting.add(ledger.brand_key(order.brand_id, Kind.NET, c), order.brand_net_minor)
    if order.partner_id:
        posting.add(ledger.partner_key(order.partner_id, Kind.PENDING, c), order.partner_minor)
    if order.parent_partner_id:
        posting.add(ledger.partner_key(order.parent_partner_id, Kind.PENDING, c), order.parent_minor)
    posting.add(ledger.platform_fee_key(c), order.platform_fee_minor)
    return posting
