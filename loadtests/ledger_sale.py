"""The sale the ledger benchmark pays for: a brand with partners (each with a parent), commission
rules and a split policy, a live session with SKUs, and N orders waiting for payment. Marking one
paid writes the order and its `OrderPaid` in one transaction, as the payments webhook does."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.models import Order, OrderLine, OrderState
from broadcast.models import Brand, LiveSession, Sku
from commission.models import CommissionPolicy, CommissionRule
from distribution.models import Partner, Partnership
from server.kernel.clock import utcnow
from server.kernel.contracts import OrderPaid
from server.kernel.ids import new_id
from server.kernel.outbox import emit

PRICE = 9900


@dataclass
class Sale:
    brand_id: str
    session_id: str
    pairs: list[tuple[str, str]]  # (partner, parent)
    skus: list[str]


async def seed(maker: async_sessionmaker[AsyncSession]) -> Sale:
    async with maker() as s:
        brand = Brand(id=new_id("brd"), name="Bench", slug=f"bench-{new_id('brd')[-6:]}", default_currency="CNY")
        s.add(brand)
        parents = [Partner(id=new_id("ptn"), name=f"parent {i}") for i in range(10)]
        s.add_all(parents)
        await s.flush()
        partners = [Partner(id=new_id("ptn"), name=f"guide {i}", parent_id=parents[i % 10].id) for i in range(200)]
        s.add_all(partners)
        await s.flush()
        s.add_all([_partnership(brand.id, p.id) for p in partners])
        skus = [
            Sku(
                id=new_id("sku"), brand_id=brand.id, code=f"B{i}", title=f"thing {i}", price_minor=PRICE, currency="CNY"
            )
            for i in range(20)
        ]
        s.add_all(skus)
        s.add_all([_sku_rule(brand.id, sku.id) for sku in skus[:10]])
        s.add(CommissionPolicy(brand_id=brand.id, platform_fee_bps=300, parent_override_bps=200))
        live = LiveSession(id=new_id("ses"), brand_id=brand.id, title="Bench sale", scheduled_start_at=utcnow())
        s.add(live)
        await s.commit()
        return Sale(brand.id, live.id, [(p.id, str(p.parent_id)) for p in partners], [sku.id for sku in skus])


def _partnership(brand_id: str, partner_id: str) -> Partnership:
    return Partnership(id=new_id("pts"), brand_id=brand_id, partner_id=partner_id, state="approved", commission_bps=800)


def _sku_rule(brand_id: str, sku_id: str) -> CommissionRule:
    scope = f"{brand_id}|sku|||{sku_id}"
    return CommissionRule(
        id=new_id("cmr"), brand_id=brand_id, kind="sku", sku_id=sku_id, rate_bps=1200, scope_key=scope
    )


async def pending_orders(maker: async_sessionmaker[AsyncSession], sale: Sale, n: int) -> list[str]:
    """N orders of two lines each, waiting for payment (not measured)."""
    ids = [new_id("ord") for _ in range(n)]
    async with maker() as s:
        for i, order_id in enumerate(ids):
            s.add(_order(sale, order_id, i))
        await s.flush()
        for i, order_id in enumerate(ids):
            s.add_all([_line(order_id, sale.skus[(i + k) % len(sale.skus)]) for k in range(2)])
        await s.commit()
    return ids


def _order(sale: Sale, order_id: str, i: int) -> Order:
    return Order(
        id=order_id,
        brand_id=sale.brand_id,
        session_id=sale.session_id,
        visitor_id=f"vis_{i}",
        idempotency_key=order_id,
        currency="CNY",
        amount_minor=2 * PRICE,
        reserved_until=utcnow() + timedelta(hours=1),
    )


def _line(order_id: str, sku_id: str) -> OrderLine:
    return OrderLine(
        id=new_id("oln"),
        order_id=order_id,
        sku_id=sku_id,
        title="thing",
        currency="CNY",
        quantity=1,
        unit_price_minor=PRICE,
        amount_minor=PRICE,
    )


async def mark_paid(maker: async_sessionmaker[AsyncSession], sale: Sale, order_id: str, i: int) -> None:
    """The webhook's write: the order paid and its `OrderPaid` (attributed to a partner), one transaction."""
    now = utcnow()
    async with maker() as s:
        stmt = update(Order).where(col(Order.id) == order_id, col(Order.state) == OrderState.PENDING_PAYMENT)
        await s.exec(stmt.values(state=OrderState.PAID, paid_at=now, updated_at=now))
        emit(s, OrderPaid.model_validate(_payload(sale, order_id, i, now.isoformat())), order_id)
        await s.commit()


def _payload(sale: Sale, order_id: str, i: int, paid_at: str) -> dict[str, Any]:
    partner, parent = sale.pairs[i % len(sale.pairs)]
    lines = [
        {"sku_id": sale.skus[(i + k) % len(sale.skus)], "quantity": 1, "unit_price_minor": PRICE, "amount_minor": PRICE}
        for k in range(2)
    ]
    return {
        "order_id": order_id,
        "brand_id": sale.brand_id,
        "session_id": sale.session_id,
        "visitor_id": f"vis_{i}",
        "currency": "CNY",
        "amount_minor": 2 * PRICE,
        "lines": lines,
        "paid_at": paid_at,
        "attribution": {
            "partner_id": partner,
            "parent_partner_id": parent,
            "link_id": None,
            "click_id": None,
            "rule": "last_click",
            "clicked_at": None,
            "bound_since": None,
            "self_referral": False,
            "earns": True,
            "policy": {},
        },
    }
