"""Group-buy factories: an offer on a shop's SKU, opening and joining groups, paying a seat
through localstripe's own signed `payment_intent.succeeded` webhook, and a partner's link click."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import sqlalchemy as sa

from broadcast.checkout.gateway import StripeGateway
from broadcast.groupbuy.sweep import GroupSweep, expire_due_groups
from commission import ledger
from tests.factories import auth, make_token
from tests.factories_checkout import Shop, post_webhook
from tests.factories_distribution import approve, make_link, make_partner
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

_seq = itertools.count(1)


def contact() -> dict[str, Any]:
    """A different buyer each time (a shared email would bind every buyer to the first one's partner)."""
    n = next(_seq)
    return {
        "contact": {"name": f"Buyer {n}", "email": f"buyer{n}-{uuid.uuid4().hex[:6]}@example.com"},
        "shipping_address": f"{n} Nanjing Rd, Shanghai",
    }


async def make_offer(
    client: Any,
    shop: Shop,
    *,
    group_size: int = 2,
    window_minutes: int = 30,
    group_price_minor: int = 5000,
    **extra: Any,
) -> dict[str, Any]:
    body = {
        "sku_id": shop.sku_id,
        "group_price_minor": group_price_minor,
        "group_size": group_size,
        "window_minutes": window_minutes,
        **extra,
    }
    response = await client.post(
        f"/api/v1/sessions/{shop.session_id}/group-offers", json=body, headers=auth(shop.token)
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def buyer(vid: str | None = None, attr: str | None = None) -> dict[str, str]:
    cookie = f"zx_vid={vid or uuid.uuid4().hex}" + (f"; zx_attr={attr}" if attr else "")
    return {"Cookie": cookie}


async def open_group(
    client: Any, session_id: str, offer_id: str, headers: dict[str, str], key: str | None = None, ref: str | None = None
) -> Any:
    query = f"?ref={ref}" if ref else ""
    return await client.post(
        f"/api/v1/sessions/{session_id}/group-offers/{offer_id}/groups{query}",
        json=contact(),
        headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def join_group(client: Any, code: str, headers: dict[str, str], key: str | None = None) -> Any:
    return await client.post(
        f"/api/v1/groups/{code}/members",
        json=contact(),
        headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex},
    )


async def pay_seat(client: Any, localstripe: Any, order: dict[str, Any], headers: dict[str, str]) -> None:
    """Confirm with the test card (the seat's PaymentIntent is made then, as Pay would), then hand
    localstripe's own succeeded event to the webhook. `order` gets its `payment_intent_id`."""
    from tests.stripe_server import stripe_events

    paid = await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=headers)
    assert paid.status_code == 202, paid.text
    order["payment_intent_id"] = paid.json()["payment_intent_id"]
    succeeded = [
        e for e in stripe_events(localstripe, order["payment_intent_id"]) if e["type"] == "payment_intent.succeeded"
    ]
    response = await post_webhook(client, succeeded[0], WEBHOOK_SECRET)
    assert response.status_code == 200, response.text


async def partner_link(app: Any, client: Any, shop: Shop) -> tuple[str, str]:
    """A partner approved by the shop's brand, with a link to its session: (partner id, link code)."""
    admin = await make_token(app, "admin")
    partner = await make_partner(client, admin)
    partner_token = await make_token(app, "partner", partner_id=partner["id"])
    await approve(client, partner_token, partner["id"], shop.token, shop.brand_id)
    link = await make_link(client, partner_token, partner["id"], target="session", session_id=shop.session_id)
    return partner["id"], link["code"]


async def click(client: Any, path: str, vid: str) -> tuple[str, str]:
    """Follow a tracked link as visitor `vid`: (where it sends them, the signed zx_attr cookie)."""
    response = await client.get(path, headers=buyer(vid), follow_redirects=False)
    assert response.status_code == 302, response.text
    attr = response.cookies.get("zx_attr")
    client.cookies.clear()  # each buyer sends their own cookies
    return response.headers["location"], attr


async def snapshot(app: Any) -> dict[str, Any]:
    """What bad input must not change: orders, stock, groups and seats."""
    async with app.state.sessionmaker() as session:

        def rows(sql: str) -> Any:
            return session.execute(sa.text(sql))

        return {
            "orders": (await rows("SELECT id, state FROM orders ORDER BY id")).all(),
            "stock": (await rows("SELECT id, stock FROM skus ORDER BY id")).all(),
            "groups": (await rows("SELECT code, seats_taken, state FROM buy_groups ORDER BY code")).all(),
            "members": (await rows("SELECT id, released_at FROM group_members ORDER BY id")).all(),
        }


async def lineup_stock(client: Any, shop: Shop) -> int:
    lineup = (await client.get(f"/api/v1/sessions/{shop.session_id}/lineup", headers=auth(shop.token))).json()["items"]
    return int(lineup[0]["stock"])


async def sweep(app: Any, localstripe: Any) -> GroupSweep:
    """`expire_due_groups` from the test's own event loop, with a Stripe client of this loop (the
    app's client keeps connections of the app's loop; reusing them fails and the SDK retries,
    which localstripe — unlike Stripe — does not de-duplicate by idempotency key)."""
    gateway = StripeGateway(API_KEY, localstripe.base_url, test_payments=True)
    try:
        return await expire_due_groups(app.state.sessionmaker, gateway)
    finally:
        await gateway.aclose()


def refunds_at_stripe(localstripe: Any, order: dict[str, Any]) -> list[dict[str, Any]]:
    """localstripe lists every refund it holds; ours carry the order id in their metadata."""
    found = localstripe.refunds_of(order["payment_intent_id"])
    return [r for r in found if r["metadata"].get("order_id") == order["id"]]


async def balance(app: Any, partner_id: str) -> int:
    """The partner's pending + available commission, from the ledger's entries."""
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    return sum(v for k, v in found.items() if k.kind in ("pending", "available"))
