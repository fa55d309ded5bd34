"""私域: the buyers bound to a partner (customer binding, 锁粉), one row per binding — the buyer of
the order that bound them — with their orders through the partner for that brand since: the
binding order itself and every later order attributed by the `binding` rule (which carries the
binding's `bound_since`). Buyers are shown only by the funnel's masked tag (PIPL: the partner
never learns a name, phone or email); the keys they are bound by are hashes and stay here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from distribution.customer_schemas import CustomerPublic
from distribution.models import Attribution, CustomerBinding, FunnelOrder
from distribution.services.customer_cursor import page_of
from server.kernel.pagination import check_limit


@dataclass
class _Bound:
    brand_id: str
    order_id: str
    bound_since: datetime
    expires_at: datetime | None
    order_ids: set[str] = field(default_factory=set)


async def partner_customers(
    session: AsyncSession, partner_id: str, now: datetime, cursor: str | None, limit: int
) -> tuple[list[CustomerPublic], str | None]:
    """One page of the partner's customers, last order first, and the cursor for the next."""
    check_limit(limit)
    return page_of(await _all_customers(session, partner_id, now), cursor, limit)


async def _all_customers(session: AsyncSession, partner_id: str, now: datetime) -> list[CustomerPublic]:
    bound = await _bindings(session, partner_id)
    if not bound:
        return []
    await _attach_orders(session, partner_id, bound)
    orders = await _funnel_orders(session, [o for b in bound.values() for o in b.order_ids])
    brands = await _brand_names(session, {b.brand_id for b in bound.values()})
    return [row for b in bound.values() if (row := _row(b, orders, brands, now)) is not None]


async def _bindings(session: AsyncSession, partner_id: str) -> dict[tuple[str, datetime], _Bound]:
    """One buyer per binding order (a buyer is bound by several keys: browser, email)."""
    stmt = select(CustomerBinding).where(CustomerBinding.partner_id == partner_id)
    bound: dict[tuple[str, datetime], _Bound] = {}
    for b in (await session.exec(stmt.order_by(col(CustomerBinding.bound_since)))).all():
        key = (b.brand_id, b.bound_since)
        bound.setdefault(key, _Bound(b.brand_id, b.order_id, b.bound_since, b.expires_at, {b.order_id}))
    return bound


async def _attach_orders(session: AsyncSession, partner_id: str, bound: dict[tuple[str, datetime], _Bound]) -> None:
    stmt = select(Attribution.order_id, Attribution.brand_id, Attribution.bound_since).where(
        Attribution.partner_id == partner_id,
        Attribution.rule == "binding",
        col(Attribution.bound_since).is_not(None),
    )
    for order_id, brand_id, bound_since in (await session.exec(stmt)).all():
        found = bound.get((brand_id, bound_since)) if bound_since is not None else None
        if found is not None:
            found.order_ids.add(order_id)


async def _funnel_orders(session: AsyncSession, order_ids: list[str]) -> dict[str, FunnelOrder]:
    stmt = select(FunnelOrder).where(col(FunnelOrder.order_id).in_(order_ids))
    return {o.order_id: o for o in (await session.exec(stmt)).all()}


async def _brand_names(session: AsyncSession, brand_ids: set[str]) -> dict[str, str]:
    stmt = select(Brand.id, Brand.name).where(col(Brand.id).in_(sorted(brand_ids)))
    return dict((await session.exec(stmt)).all())


def _row(b: _Bound, orders: dict[str, FunnelOrder], brands: dict[str, str], now: datetime) -> CustomerPublic | None:
    mine = sorted((orders[o] for o in b.order_ids if o in orders), key=lambda o: o.paid_at)
    first = orders.get(b.order_id) or (mine[0] if mine else None)
    if first is None:  # the funnel has not seen the binding order yet (its event is on its way)
        return None
    gmv: dict[str, int] = defaultdict(int)
    for o in mine:
        gmv[o.currency] += o.amount_minor - o.refunded_minor
    return CustomerPublic(
        tag=first.buyer_tag,
        brand_id=b.brand_id,
        brand_name=brands.get(b.brand_id, b.brand_id),
        first_order_at=mine[0].paid_at,
        last_order_at=mine[-1].paid_at,
        orders=len(mine),
        gmv_minor=gmv[first.currency],
        currency=first.currency,
        bound_since=b.bound_since,
        binding_expires_at=b.expires_at,
        binding_active=b.expires_at is None or b.expires_at > now,
    )
