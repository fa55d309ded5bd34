"""A flash sale's moving parts for tests: carts written straight into the table, a bounded rush
of checkouts, and an audit of what the database sold."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import sqlalchemy as sa

from broadcast.checkout.models import CartItem
from server.kernel.clock import utcnow
from tests.factories_checkout import Shop, checkout, visitor

IN_FLIGHT = 40


async def fill_carts(app: Any, shop: Shop, visitors: int) -> list[str]:
    """Carts written straight into the table: the sale is the moment everyone presses "pay"."""
    vids = [f"v{uuid.uuid4().hex}" for _ in range(visitors)]
    rows = [
        {"id": f"cit_{v[1:27]}", "session_id": shop.session_id, "visitor_id": v, "sku_id": shop.sku_id, "quantity": 1}
        | {"created_at": utcnow(), "updated_at": utcnow()}
        for v in vids
    ]
    async with app.state.engine.begin() as conn:
        await conn.execute(sa.insert(CartItem.__table__), rows)  # type: ignore[attr-defined]
    return vids


async def rush(client: Any, shop: Shop, vids: list[str], attempts_each: int = 1) -> list[Any]:
    """All attempts at once, at most IN_FLIGHT of them inside the app (the test app opens a database
    connection per use, and the shared PostgreSQL allows 100; a server's pool would queue them too)."""
    in_flight = asyncio.Semaphore(IN_FLIGHT)

    async def attempt(headers: dict[str, str]) -> Any:
        async with in_flight:
            return await checkout(client, shop, headers)

    return list(await asyncio.gather(*(attempt(visitor(v)) for v in vids for _ in range(attempts_each))))


async def audit(app: Any, shop: Shop) -> dict[str, Any]:
    async with app.state.engine.connect() as conn:
        free = (await conn.execute(sa.text("SELECT stock FROM skus WHERE id = :s"), {"s": shop.sku_id})).scalar_one()
        per_buyer = (
            await conn.execute(
                sa.text(
                    "SELECT o.visitor_id, sum(l.quantity) FROM orders o JOIN order_lines l ON l.order_id = o.id "
                    "WHERE o.session_id = :s GROUP BY o.visitor_id"
                ),
                {"s": shop.session_id},
            )
        ).all()
    return {
        "free": free,
        "ordered": sum(int(n) for _, n in per_buyer),
        "most_by_one": max((n for _, n in per_buyer), default=0),
    }
