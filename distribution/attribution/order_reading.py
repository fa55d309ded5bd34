"""Reading a paid order's attribution decision: the brand's "why" on its order page, and the ids of
the orders a partner earned, which the live end's order list uses as a filter (lent through
`app.state`, so checkout never imports the distribution end)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.order_filters import PARTNER_ORDERS_STATE
from distribution.models import Attribution, Link, Partner
from server.kernel.principal import Principal
from server.kernel.problems import NotFound


class AttributionPublic(BaseModel):
    """Why the order earns (or not) for a partner, as decided when it was paid."""

    order_id: str
    rule: str  # last_click | replay | binding | self_referral | none
    earns: bool
    self_referral: bool
    partner_id: str | None
    partner_name: str | None
    parent_partner_id: str | None
    parent_partner_name: str | None
    link_id: str | None
    link_code: str | None
    link_label: str | None
    click_id: str | None
    clicked_at: datetime | None
    bound_since: datetime | None
    paid_at: datetime
    policy: dict[str, Any]


def partner_order_ids(brand_id: str, partner_id: str) -> Any:
    """The brand's orders that `partner_id` earned, directly or as the parent of the guide who did."""
    earned = or_(Attribution.partner_id == partner_id, Attribution.parent_partner_id == partner_id)
    return select(col(Attribution.order_id)).where(Attribution.brand_id == brand_id, earned)


@asynccontextmanager
async def partner_orders_lifespan(app: Any) -> AsyncIterator[None]:
    setattr(app.state, PARTNER_ORDERS_STATE, partner_order_ids)
    yield


async def attribution_of(session: AsyncSession, principal: Principal, order_id: str) -> AttributionPublic:
    """404 for an order not paid yet (no decision) and for another brand's order alike."""
    row = (await session.exec(select(Attribution).where(Attribution.order_id == order_id))).first()
    if row is None:
        raise NotFound.of("attribution", order_id)
    principal.ensure_brand(row.brand_id, "attribution", order_id)
    partner = await session.get(Partner, row.partner_id) if row.partner_id else None
    parent = await session.get(Partner, row.parent_partner_id) if row.parent_partner_id else None
    link = await session.get(Link, row.link_id) if row.link_id else None
    return AttributionPublic(
        **row.model_dump(include=set(AttributionPublic.model_fields)),
        partner_name=partner.name if partner else None,
        parent_partner_name=parent.name if parent else None,
        link_code=link.code if link else None,
        link_label=link.label if link else None,
    )
