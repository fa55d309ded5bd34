"""Lottery test helpers: open / enter / close through the API, a visitor with its own cookie on
both HTTP and the room websocket, and a paid order row for purchase draws."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx

from broadcast.checkout.models import Order, OrderState
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from tests.factories import auth


@dataclass
class Visitor:
    vid: str = field(default_factory=lambda: "v" + uuid.uuid4().hex)

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": f"zx_vid={self.vid}"}


async def open_lottery(
    client: httpx.AsyncClient,
    token: str,
    session_id: str,
    *,
    rule: dict[str, Any] | None = None,
    winners: int = 1,
    prize: str = "A signed cap",
    expect: int = 200,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "prize": prize,
        "winners": winners,
        "entry_rule": rule or {"kind": "comment_keyword", "keyword": "GO"},
        **extra,
    }
    response = await client.post(f"/api/v1/sessions/{session_id}/lotteries", json=body, headers=auth(token))
    assert response.status_code == (201 if expect == 200 else expect), response.text
    return response.json()  # type: ignore[no-any-return]


async def enter(client: httpx.AsyncClient, session_id: str, lottery_id: str, who: Visitor) -> httpx.Response:
    return await client.post(f"/api/v1/sessions/{session_id}/lotteries/{lottery_id}/entries", headers=who.headers)


async def close(client: httpx.AsyncClient, token: str, session_id: str, lottery_id: str) -> httpx.Response:
    return await client.post(f"/api/v1/sessions/{session_id}/lotteries/{lottery_id}/close", headers=auth(token))


async def mine(client: httpx.AsyncClient, session_id: str, lottery_id: str, who: Visitor) -> dict[str, Any]:
    response = await client.get(f"/api/v1/sessions/{session_id}/lotteries/{lottery_id}/entries/me", headers=who.headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def paid_order(
    app: Any, brand_id: str, session_id: str, who: Visitor, *, paid_ago_s: float = 0, state: str = OrderState.PAID
) -> str:
    """A paid order row, as the payment webhook leaves it (paying through Stripe is checkout's test)."""
    now = utcnow()
    async with app.state.sessionmaker() as db:
        order = Order(
            id=new_id("ord"),
            brand_id=brand_id,
            session_id=session_id,
            visitor_id=who.vid,
            idempotency_key=uuid.uuid4().hex,
            state=state,
            currency="CNY",
            amount_minor=9900,
            reserved_until=now + timedelta(minutes=15),
            paid_at=now - timedelta(seconds=paid_ago_s),
        )
        db.add(order)
        await db.commit()
    return order.id
