"""Customer binding (锁粉): a buyer stays with the partner who first brought them, for the
brand's protection period, counted from the first bound order (later orders do not extend it)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from distribution.attribution.policy import AttributionPolicy
from distribution.models import CustomerBinding
from server.kernel.ids import new_id


async def active_binding(session: AsyncSession, brand_id: str, keys: list[str], at: datetime) -> CustomerBinding | None:
    """The earliest binding still in force for any of the buyer's keys (first come, first bound)."""
    if not keys:
        return None
    stmt = (
        select(CustomerBinding)
        .where(
            CustomerBinding.brand_id == brand_id,
            col(CustomerBinding.buyer_key).in_(keys),
            col(CustomerBinding.bound_since) <= at,
            sa.or_(col(CustomerBinding.expires_at).is_(None), col(CustomerBinding.expires_at) > at),
        )
        .order_by(col(CustomerBinding.bound_since), col(CustomerBinding.id))
    )
    return (await session.exec(stmt)).first()


def bind(
    session: AsyncSession,
    brand_id: str,
    keys: list[str],
    partner_id: str,
    order_id: str,
    policy: AttributionPolicy,
    at: datetime,
) -> None:
    expires = policy.binding_expiry(at)
    for key in keys:
        session.add(
            CustomerBinding(
                id=new_id("bnd"),
                brand_id=brand_id,
                buyer_key=key,
                partner_id=partner_id,
                order_id=order_id,
                bound_since=at,
                expires_at=expires,
            )
        )
