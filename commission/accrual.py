"""`OrderPaid` → the order's split is frozen and its commission accrues as *pending*.

No partner, or a self-referral the brand does not reward (`BrandSettings.self_referral_earns`),
accrues no partner or parent commission; the platform fee is still charged, because the platform
still carried the sale (live room, checkout, payment) — the rest is the brand's net."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.schemas import BrandSettings
from commission import ledger, order_totals, rules
from commission.accrual_context import OrderContext, batch_contexts, order_context
from commission.ledger import Kind, Posting, Reason
from commission.models import OrderCommission
from commission.refunds import apply_waiting_refunds
from commission.splits import Parties, Split, compute_split
from server.kernel.clock import as_utc
from server.kernel.currency import validate_currency
from server.kernel.outbox import OutboxEvent, batched


async def on_order_paids(session: AsyncSession, events: Sequence[OutboxEvent]) -> None:
    await accrue_orders(session, [event.payload for event in events])


@batched(on_order_paids)
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


async def accrue_order(session: AsyncSession, payload: dict[str, Any]) -> OrderCommission | None:
    """Freeze the split and post `commission_accrued`; a replay of the same order is a no-op."""
    context = await order_context(session, str(payload["order_id"]), str(payload["brand_id"]))
    accrued = await _accrue(session, [(payload, context)])
    return accrued[0] if accrued else None


async def accrue_orders(session: AsyncSession, payloads: Sequence[dict[str, Any]]) -> list[OrderCommission]:
    """`accrue_order` for many orders in the caller's transaction: their context in four queries
    and every journal transaction in one statement; each keeps its per-order idempotency key."""
    contexts = await batch_contexts(session, [(str(p["order_id"]), str(p["brand_id"])) for p in payloads])
    seen: set[str] = set()
    todo = []
    for payload in payloads:
        order_id = str(payload["order_id"])
        if order_id not in seen:  # the same order twice in a batch accrues once
            seen.add(order_id)
            todo.append((payload, contexts[order_id]))
    return await _accrue(session, todo)


async def _accrue(session: AsyncSession, todo: Sequence[tuple[dict[str, Any], OrderContext]]) -> list[OrderCommission]:
    fresh = [(payload, context) for payload, context in todo if not context.known]
    books = await _rate_books(session, [payload for payload, _ in fresh])
    orders = [_new_order(payload, context, books) for payload, context in fresh]
    session.add_all(orders)
    await order_totals.orders_paid(session, orders)
    await ledger.post_many(session, [accrual_posting(o) for o in orders])  # new orders ⇒ new keys (UNIQUE backs it up)
    for order, (_, context) in zip(orders, fresh, strict=True):
        if context.waiting_refunds:
            await apply_waiting_refunds(session, order)
    return orders


async def _rate_books(session: AsyncSession, payloads: Sequence[dict[str, Any]]) -> dict[str, rules.RateBook]:
    """Each brand's rate book for all these orders' partners and SKUs: one query per brand."""
    wanted: dict[str, tuple[set[str], set[str], set[tuple[str, str, datetime]]]] = {}
    for payload in payloads:
        partners, skus, buyers = wanted.setdefault(str(payload["brand_id"]), (set(), set(), set()))
        if partner_id := (payload.get("attribution") or {}).get("partner_id"):
            partners.add(str(partner_id))
            if payload.get("visitor_id"):  # a repeat rate counts the batch's own orders too
                buyers.add((str(partner_id), str(payload["visitor_id"]), _parse_time(payload["paid_at"])))
        skus.update(str(line["sku_id"]) for line in payload.get("lines") or [])
    return {
        brand_id: await rules.rate_book(session, brand_id, sorted(partners), sorted(skus), sorted(buyers))
        for brand_id, (partners, skus, buyers) in wanted.items()
        if partners and skus
    }


def _new_order(payload: dict[str, Any], context: OrderContext, books: dict[str, rules.RateBook]) -> OrderCommission:
    order_id, brand_id = str(payload["order_id"]), str(payload["brand_id"])
    partner_id, parent_id, no_reason = earner(payload.get("attribution") or {}, context.settings)
    split = split_order(payload, Parties(brand_id, partner_id, parent_id), context, books.get(brand_id))
    paid_at = _parse_time(payload["paid_at"])
    return OrderCommission(
        order_id=order_id,
        brand_id=brand_id,
        session_id=payload.get("session_id"),
        currency=validate_currency(payload["currency"]),
        amount_minor=int(payload["amount_minor"]),
        partner_id=partner_id,
        visitor_id=payload.get("visitor_id"),
        parent_partner_id=parent_id,
        partner_minor=split.total("partner"),
        parent_minor=split.total("parent"),
        platform_fee_minor=split.total("platform"),
        brand_net_minor=split.total("brand"),
        split_lines=[line.as_json() for line in split.lines],
        no_commission_reason=no_reason,
        paid_at=paid_at,
        hold_until=paid_at + timedelta(days=context.settings.hold_period_days),
        release_on=context.settings.release_on,
    )


def split_order(payload: dict[str, Any], parties: Parties, context: OrderContext, book: rules.RateBook | None) -> Split:
    """An order's split (payload shaped as `OrderPaid`: amount_minor, session_id, lines); the preview calls it too."""
    lines = [(str(line["sku_id"]), int(line["amount_minor"])) for line in payload.get("lines") or []]
    rates = {}
    if parties.partner_id is not None and lines and book is not None:
        skus = sorted({sku for sku, _ in lines})
        paid_at = _parse_time(payload["paid_at"]) if payload.get("paid_at") else None  # the preview: now
        visitor_id = payload.get("visitor_id")
        rates = book.rates(context.settings, payload.get("session_id"), parties.partner_id, skus, paid_at, visitor_id)
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
