"""The outbox consumers that keep buyer profiles: an OrderPaid adds the order to its buyer's
profile (made on the first one), a refund or a failed refund re-reads what stays refunded.

Never in the request path, and idempotent: a replayed OrderPaid finds its `buyer_orders` row and
does nothing; refunds read the order's refunded total from checkout's own row (the truth, in
whatever order the events come), and the profile's figures are recounted from its orders each
time, never incremented. Consent is given by a paid order whose unticked box the buyer ticked;
an order paid before the buyer withdrew it never gives it back."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order
from distribution.buyers.models import BuyerOrder, BuyerProfile
from server.kernel.clock import as_utc, utcnow
from server.kernel.contracts import OrderPaid, OrderRefunded, OrderRefundFailed
from server.kernel.ids import new_id
from server.kernel.outbox import OutboxEvent


async def on_order_paid(session: AsyncSession, event: OutboxEvent) -> None:
    paid = OrderPaid.read(event.payload, event.version)
    if paid.buyer_key is None or await session.get(BuyerOrder, paid.order_id) is not None:
        return
    profile = await _profile_of(session, paid.brand_id, paid.buyer_key, paid.currency)
    session.add(
        BuyerOrder(
            order_id=paid.order_id,
            brand_id=paid.brand_id,
            profile_id=profile.id,
            currency=paid.currency,
            amount_minor=paid.amount_minor,
            refunded_minor=await _refunded(session, paid.order_id, 0),
            paid_at=paid.paid_at,
            partner_id=paid.attribution.partner_id,
            sku_ids=sorted({line.sku_id for line in paid.lines}),
            marketing_consent=paid.marketing_consent,
        )
    )
    await session.flush()
    await recount(session, profile)


async def on_order_refunded(session: AsyncSession, event: OutboxEvent) -> None:
    refunded = OrderRefunded.read(event.payload, event.version)
    await _refresh_refund(session, refunded.order_id, refunded.refunded_total_minor)


async def on_order_refund_failed(session: AsyncSession, event: OutboxEvent) -> None:
    failed = OrderRefundFailed.read(event.payload, event.version)
    await _refresh_refund(session, failed.order_id, failed.refunded_total_minor)


async def _refresh_refund(session: AsyncSession, order_id: str, fallback_minor: int) -> None:
    row = await session.get(BuyerOrder, order_id)
    if row is None:  # not counted yet: its OrderPaid reads the refunded total when it comes
        return
    row.refunded_minor = await _refunded(session, order_id, fallback_minor)
    session.add(row)
    if row.profile_id is not None and (profile := await session.get(BuyerProfile, row.profile_id)):
        await recount(session, profile)


async def _refunded(session: AsyncSession, order_id: str, fallback_minor: int) -> int:
    order = await session.get(Order, order_id)
    return order.refunded_minor if order is not None else fallback_minor


async def _profile_of(session: AsyncSession, brand_id: str, buyer_key: str, currency: str) -> BuyerProfile:
    stmt = select(BuyerProfile).where(BuyerProfile.brand_id == brand_id, BuyerProfile.buyer_key == buyer_key)
    profile = (await session.exec(stmt)).first()
    if profile is None:
        profile = BuyerProfile(id=new_id("byr"), brand_id=brand_id, buyer_key=buyer_key, currency=currency)
        session.add(profile)
    return profile


async def recount(session: AsyncSession, profile: BuyerProfile) -> None:
    """Every figure of the profile from its orders (in the profile's currency)."""
    stmt = select(BuyerOrder).where(BuyerOrder.profile_id == profile.id).order_by(col(BuyerOrder.paid_at))
    orders = [o for o in (await session.exec(stmt)).all() if o.currency == profile.currency]
    kept = [o for o in orders if o.refunded_minor < o.amount_minor]
    profile.orders_count = len(kept)
    profile.net_spend_minor = sum(o.amount_minor - o.refunded_minor for o in orders)
    profile.first_purchase_at = orders[0].paid_at if orders else None
    profile.last_purchase_at = orders[-1].paid_at if orders else None
    partners = [o.partner_id for o in orders if o.partner_id]
    profile.partner_id = partners[-1] if partners else None
    _apply_consent(profile, [o for o in orders if o.marketing_consent])
    profile.updated_at = utcnow()
    session.add(profile)


def _apply_consent(profile: BuyerProfile, consenting: list[BuyerOrder]) -> None:
    """The latest ticked box counts, unless the buyer withdrew consent after that order was paid."""
    if not consenting:
        return
    given_at = as_utc(consenting[-1].paid_at)
    withdrawn = profile.consent_withdrawn_at
    if withdrawn is not None and as_utc(withdrawn) >= given_at:
        return
    profile.marketing_consent, profile.consent_given_at = True, given_at
