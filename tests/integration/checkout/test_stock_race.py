"""Races on PostgreSQL: many concurrent checkouts at a small stock never oversell, and no unit is
lost after expiries, cancellations and payments; concurrent refunds never exceed the order."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from broadcast.checkout.expiry import sweep
from server.kernel import clock
from tests.app_settings import stripe_settings
from tests.factories import auth
from tests.factories_checkout import add_to_cart, checkout, intent_event, make_shop, post_webhook, start_paying, visitor
from tests.stripe_server import WEBHOOK_SECRET

STOCK, BUYERS = 5, 40


async def units(app, shop) -> tuple[int, int, int]:
    """(free stock, held, sold) straight from the tables."""
    async with app.state.engine.connect() as conn:
        free = (await conn.execute(sa.text("SELECT stock FROM skus WHERE id = :s"), {"s": shop.sku_id})).scalar_one()
        held, sold = (
            await conn.execute(
                sa.text(
                    "SELECT coalesce(sum(reserved_units), 0), coalesce(sum(sold_units), 0) FROM stock_counters "
                    "WHERE sku_id = :s"
                ),
                {"s": shop.sku_id},
            )
        ).one()
    return free, int(held), int(sold)


async def checkouts(client, shop, visitors) -> list:
    return await asyncio.gather(*(checkout(client, shop, headers) for headers in visitors))


async def pay_by_webhook(client, localstripe, order) -> None:
    intent = localstripe.get(f"/v1/payment_intents/{order['payment_intent_id']}")
    response = await post_webhook(
        client, intent_event("payment_intent.succeeded", {**intent, "status": "succeeded"}), WEBHOOK_SECRET
    )
    assert response.json()["outcome"] in ("paid", "late_paid"), response.text


async def cancel_by_webhook(client, order) -> None:
    intent = {
        "id": order["payment_intent_id"],
        "object": "payment_intent",
        "amount": order["amount_minor"],
        "currency": "cny",
        "status": "canceled",
        "metadata": {"order_id": order["id"]},
    }
    await post_webhook(client, intent_event("payment_intent.canceled", intent), WEBHOOK_SECRET)


async def test_concurrent_checkouts_never_oversell_and_lose_no_units(postgres_db_url, localstripe):
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    app = create_app(stripe_settings(postgres_db_url, localstripe))
    async with AsyncTestClient(app=app) as client:
        # given 5 units and 40 viewers each with one unit in the cart
        shop = await make_shop(app, client, stock=STOCK)
        viewers = [visitor() for _ in range(BUYERS)]
        for headers in viewers:
            assert (await add_to_cart(client, shop, headers, 1)).status_code == 200
        # when all 40 check out at once
        first = await checkouts(client, shop, viewers)
        # then exactly 5 orders hold the 5 units; the rest are told it is sold out
        winners = [(r.json(), h) for h, r in zip(viewers, first, strict=True) if r.status_code == 201]
        assert len(winners) == STOCK and {r.status_code for r in first} == {201, 409}
        assert await units(app, shop) == (0, STOCK, 0)
        # when 3 press Pay (their PaymentIntents are made then): 2 are paid, 1 is cancelled by Stripe;
        # the 2 others never press Pay and lapse (no intent to cancel)
        won = [(await start_paying(client, placed, h))["order"] for placed, h in winners[:3]]
        for order in won[:2]:
            await pay_by_webhook(client, localstripe, order)
        await cancel_by_webhook(client, won[2])
        clock.advance(11 * 60)
        assert await sweep(app.state.sessionmaker, app.state.payment_gateway, 90) == 2
        # then 3 units are free again and none was lost
        assert await units(app, shop) == (3, 0, 2)
        # when the 35 losers (their carts kept their unit) race again for the returned units
        losers = [h for h, r in zip(viewers, first, strict=True) if r.status_code != 201]
        second = await checkouts(client, shop, losers)
        # then exactly 3 more won, and free + held + sold is still 5
        assert sum(r.status_code == 201 for r in second) == 3
        free, held, sold = await units(app, shop)
        assert (free, held, sold) == (0, 3, 2) and free + held + sold == STOCK


async def test_one_viewer_racing_checkouts_gets_one_order(postgres_db_url, localstripe):
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    app = create_app(stripe_settings(postgres_db_url, localstripe))
    async with AsyncTestClient(app=app) as client:
        shop = await make_shop(app, client, stock=10, brand_settings={"per_buyer_limit_per_sku": 2})
        headers = visitor()
        await add_to_cart(client, shop, headers, 2)
        different_keys = await checkouts(client, shop, [headers] * 6)
        assert sum(r.status_code == 201 for r in different_keys) == 1
        await add_to_cart(client, shop, visitor(), 1)
        same = visitor()
        await add_to_cart(client, shop, same, 1)
        same_key = await asyncio.gather(*(checkout(client, shop, same, key="same-key-000001") for _ in range(6)))
        assert {r.json()["order"]["id"] for r in same_key if r.status_code == 201} and len(
            {r.json()["order"]["id"] for r in same_key if r.status_code == 201}
        ) == 1
        assert (await units(app, shop))[0] == 10 - 2 - 1


async def test_concurrent_refunds_never_exceed_the_order(postgres_db_url, localstripe):
    from litestar.testing import AsyncTestClient

    from server.app import create_app

    app = create_app(stripe_settings(postgres_db_url, localstripe))
    async with AsyncTestClient(app=app) as client:
        shop = await make_shop(app, client, stock=2, price_minor=10000)
        headers = visitor()
        await add_to_cart(client, shop, headers, 1)
        order = (await start_paying(client, (await checkout(client, shop, headers)).json(), headers))["order"]
        paid = await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=headers)
        assert paid.json()["status"] == "succeeded"
        await pay_by_webhook(client, localstripe, order)
        # when 6 refunds of 60.00 race on a 100.00 order (localstripe would accept them all)
        results = await asyncio.gather(
            *(
                client.post(
                    f"/api/v1/orders/{order['id']}/refunds", json={"amount_minor": 6000}, headers=auth(shop.token)
                )
                for _ in range(6)
            )
        )
        # then exactly one went through
        assert sorted(r.status_code for r in results) == [201] + [422] * 5
        detail = (await client.get(f"/api/v1/orders/{order['id']}", headers=auth(shop.token))).json()
        assert detail["refunded_minor"] == 6000
