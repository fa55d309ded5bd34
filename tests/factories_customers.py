"""Bound buyers (私域) written as attribution writes them: a binding, its order's attribution and
the funnel's row for it. For the partner's customer list in bulk (paging, tenancy)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from distribution.models import Attribution, CustomerBinding, FunnelOrder
from server.kernel.ids import new_id


def bound_buyer(partner_id: str, brand_id: str, at: datetime, tag: str, amount_minor: int = 5000) -> list[Any]:
    order_id = new_id("ord")
    return [
        CustomerBinding(
            id=new_id("bnd"),
            brand_id=brand_id,
            buyer_key=f"k-{order_id}",
            partner_id=partner_id,
            order_id=order_id,
            bound_since=at,
            expires_at=None,
        ),
        Attribution(
            id=new_id("atr"),
            order_id=order_id,
            brand_id=brand_id,
            partner_id=partner_id,
            rule="last_click",
            earns=True,
            paid_at=at,
        ),
        FunnelOrder(
            order_id=order_id,
            brand_id=brand_id,
            partner_id=partner_id,
            amount_minor=amount_minor,
            currency="CNY",
            buyer_tag=tag,
            paid_at=at,
        ),
    ]


async def bind_buyers(app: Any, partner_id: str, times: int, brands: list[str], start: datetime) -> set[str]:
    """`times` × `brands` bound buyers, a minute apart; the brands of one minute share its instant
    (so the list's order has ties to break). Their tags, each unique."""
    tags: set[str] = set()
    async with app.state.sessionmaker() as session:
        for minute in range(times):
            for b, brand_id in enumerate(brands):
                tag = f"b·{partner_id[-4:]}{minute:03d}{b}"
                tags.add(tag)
                session.add_all(bound_buyer(partner_id, brand_id, start + timedelta(minutes=minute), tag))
        await session.commit()
    return tags
