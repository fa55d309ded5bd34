"""Payments whose webhook never came: the reconcile sweeper asks localstripe about orders still
unpaid after a while and applies what Stripe says through the webhook's own path, exactly once —
also when the real webhook turns up afterwards."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from commission.models import OrderCommission
from commission.models.ledger import JournalTransaction
from server.kernel import clock
from server.payments.handlers import Context
from server.payments.reconcile import sweep
from tests.database import outbox
from tests.factories_checkout import buy, make_shop, order_as_brand, post_webhook, visitor
from tests.live_server import free_port
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import API_KEY, WEBHOOK_SECRET, stripe_events

AFTER_S = 300


async def reconcile(app, limit: int = 20, cursor: str = "", base_url: str | None = None):
    async with gateway_of_this_loop(app, base_url or app.state.settings.stripe_api_base) as gateway:
        return await sweep(Context.of_app(app.state, gateway), AFTER_S, limit, cursor)


async def paid_without_webhook(client, shop, quantity: int = 1) -> dict:
    """Checked out and paid at localstripe; no webhook is registered there, so none is delivered."""
    vid = visitor()["Cookie"].split("=")[1]
    order = (await buy(client, shop, quantity, vid))["order"]
    paid = await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    assert paid.status_code == 202 and paid.json()["status"] == "succeeded", paid.text
    return order


async def accruals(app, order_id: str) -> tuple[int, int]:
    """(order_commissions rows, commission_accrued journal transactions) for the order."""
    async with app.state.sessionmaker() as session:
        rows = await session.execute(sa.select(sa.func.count()).where(OrderCommission.order_id == order_id))
        journal = await session.execute(
            sa.select(sa.func.count()).where(
                JournalTransaction.external_ref == order_id, JournalTransaction.reason == "commission_accrued"
            )
        )
        return int(rows.scalar_one()), int(journal.scalar_one())


async def test_a_payment_whose_webhook_was_lost_is_applied_once_by_the_sweeper(app, client, localstripe):
    # given an order paid at Stripe whose webhook never arrived
    shop = await make_shop(app, client, stock=5)
    order = await paid_without_webhook(client, shop, 2)
    # when the sweeper runs before the threshold: nothing is asked yet
    assert await reconcile(app) == ({}, "")
    # when it runs once the order has been unpaid past the threshold
    clock.advance(AFTER_S + 1)
    outcomes, _ = await reconcile(app)
    # then the order is paid, its units sold, OrderPaid emitted once and the commission accrued once
    assert outcomes == {order["id"]: "paid"}
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "paid" and [h["reason"] for h in detail["history"]][-1] == "payment_succeeded"
    assert len(await outbox(app, "OrderPaid")) == 1
    assert (await outbox(app, "StockChanged"))[-1]["sold"] == 2
    await app.state.dispatcher.drain()
    assert await accruals(app, order["id"]) == (1, 1)
    # when Stripe's webhook is delivered late, and the sweeper runs again
    succeeded = [e for e in stripe_events(localstripe, order["payment_intent_id"]) if e["type"].endswith("succeeded")]
    late = await post_webhook(client, succeeded[0], WEBHOOK_SECRET)
    again, _ = await reconcile(app)
    await app.state.dispatcher.drain()
    # then neither changes anything: one OrderPaid, one accrual, two units sold
    assert late.status_code == 200 and late.json()["outcome"] == "already_applied"
    assert again == {}
    assert len(await outbox(app, "OrderPaid")) == 1 and await accruals(app, order["id"]) == (1, 1)
    assert (await outbox(app, "StockChanged"))[-1]["sold"] == 2


async def test_a_sweep_replayed_by_a_second_worker_is_a_duplicate(app, client, localstripe):
    # given a lost webhook the sweeper has already applied
    shop = await make_shop(app, client, stock=5)
    order = await paid_without_webhook(client, shop)
    clock.advance(AFTER_S + 1)
    await reconcile(app)
    # when another worker, which read the order while it was still pending, applies the same answer
    from server.payments.reconcile import reconcile_one

    async with gateway_of_this_loop(app, localstripe.base_url) as gateway:
        ctx = Context.of_app(app.state, gateway)
        outcome = await reconcile_one(app.state.sessionmaker, ctx, order["id"], order["payment_intent_id"])
    # then its event id is the same, so it is recognised as already handled
    assert outcome == "duplicate" and len(await outbox(app, "OrderPaid")) == 1


async def test_an_intent_cancelled_at_stripe_releases_the_units(app, client, localstripe):
    # given an unpaid order whose PaymentIntent was cancelled at Stripe (localstripe sends no event for it)
    shop = await make_shop(app, client, stock=5)
    order = (await buy(client, shop, 3))["order"]
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {API_KEY}"}) as http:
        cancelled = await http.post(f"{localstripe.base_url}/v1/payment_intents/{order['payment_intent_id']}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    # when the sweeper runs past the threshold
    clock.advance(AFTER_S + 1)
    outcomes, _ = await reconcile(app)
    # then the order is cancelled and its units are back
    assert outcomes == {order["id"]: "released"}
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "cancelled"
    assert (await outbox(app, "StockChanged"))[-1]["stock"] == 5


async def test_an_unpaid_intent_is_left_to_the_reservation(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    order = (await buy(client, shop, 1))["order"]
    clock.advance(AFTER_S + 1)
    outcomes, _ = await reconcile(app)
    assert outcomes == {order["id"]: "waiting:requires_payment_method"}
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "pending_payment"


async def test_the_sweeper_asks_about_a_bounded_batch_per_tick_round_robin(app, client, localstripe):
    # given three paid orders whose webhooks were lost
    shop = await make_shop(app, client, stock=5)
    orders = sorted([(await paid_without_webhook(client, shop))["id"] for _ in range(3)])
    clock.advance(AFTER_S + 1)
    # when the sweeper runs with a batch of 2, twice
    first, cursor = await reconcile(app, limit=2)
    second, cursor = await reconcile(app, limit=2, cursor=cursor)
    # then each tick asked about at most 2, and together they covered all three, in id order
    assert list(first) == orders[:2] and list(second) == orders[2:] and cursor == ""
    assert len(await outbox(app, "OrderPaid")) == 3


async def test_stripe_unreachable_pauses_the_sweep_without_changing_anything(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    order = await paid_without_webhook(client, shop)
    clock.advance(AFTER_S + 1)
    outcomes, cursor = await reconcile(app, base_url=f"http://127.0.0.1:{free_port()}")
    assert outcomes == {} and cursor == ""
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "pending_payment"
    # and the next tick, with Stripe back, applies it
    assert (await reconcile(app))[0] == {order["id"]: "paid"}
