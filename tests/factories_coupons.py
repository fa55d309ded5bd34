"""Coupon factories: a shop with coupons, drops and claims, through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from tests.factories import auth


def coupon_body(**fields: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    body: dict[str, Any] = {
        "title": "Live special",
        "amount_off_minor": 1000,
        "currency": "CNY",
        "total_limit": 10,
        "valid_from": (now - timedelta(hours=1)).isoformat(),
        "valid_until": (now + timedelta(days=1)).isoformat(),
    }
    if "percent_off_bps" in fields:
        body.pop("amount_off_minor"), body.pop("currency")
    return {**body, **fields}


async def make_coupon(client: Any, token: str, brand_id: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(f"/api/v1/brands/{brand_id}/coupons", json=coupon_body(**fields), headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def drop(client: Any, token: str, session_id: str, coupon_id: str) -> Any:
    return await client.post(
        f"/api/v1/sessions/{session_id}/coupon-drops", json={"coupon_id": coupon_id}, headers=auth(token)
    )


async def claim(client: Any, session_id: str, coupon_id: str, headers: dict[str, str]) -> Any:
    return await client.post(f"/api/v1/sessions/{session_id}/coupons/{coupon_id}/claims", headers=headers)


async def dropped_coupon(client: Any, shop: Any, **fields: Any) -> dict[str, Any]:
    coupon = await make_coupon(client, shop.token, shop.brand_id, **fields)
    response = await drop(client, shop.token, shop.session_id, coupon["id"])
    assert response.status_code == 201, response.text
    return coupon


async def coupon_rows(app: Any) -> dict[str, Any]:
    """What the coupon tables hold: to prove that a refused request changed nothing."""
    async with app.state.engine.connect() as conn:
        coupons = (await conn.execute(sa.text("SELECT id, claimed, active FROM coupons ORDER BY id"))).all()
        claims = (await conn.execute(sa.text("SELECT id, state, order_id FROM coupon_claims ORDER BY id"))).all()
        drops = (await conn.execute(sa.text("SELECT id FROM coupon_drops ORDER BY id"))).all()
    return {
        "coupons": [tuple(r) for r in coupons],
        "claims": [tuple(r) for r in claims],
        "drops": [tuple(r) for r in drops],
    }
