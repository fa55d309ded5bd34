"""Seats over time, on PostgreSQL (the same code as the lifecycle tests, which run on both
databases): a seat whose order lapses unpaid goes back while the group is open, a seat whose
payment is processing keeps its seat until its longer hold, and a seat paid after the group's
deadline does not fill it — the group expires and both payments go back."""

from __future__ import annotations

import pytest

from broadcast.checkout.gateway import StripeGateway
from broadcast.groupbuy.sweep import expire_due_groups
from server.kernel import clock
from tests.database import outbox
from tests.factories_checkout import make_shop, order_as_brand, post_webhook, start_paying
from tests.factories_groupbuy import buyer, join_group, lineup_stock, make_offer, open_group, pay_seat, sweep
from tests.integration.checkout.test_processing_payment import StillProcessing
from tests.integration.checkout.test_stripe_shapes import stripe_event
from tests.stripe_server import API_KEY, WEBHOOK_SECRET


@pytest.fixture
def settings(pg_only_settings):
    return pg_only_settings


async def test_a_lapsed_seat_goes_back_while_the_group_is_open(app, client, localstripe):
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=3, window_minutes=60)
    a, b = buyer(), buyer()
    seat_a = (await open_group(client, shop.session_id, offer["id"], a)).json()
    group = seat_a["group"]
    seat_b = (await join_group(client, group["code"], b)).json()
    await pay_seat(client, localstripe, seat_a["order"], a)
    # when B's hold (10 minutes) lapses unpaid, well inside the group's hour
    clock.advance(11 * 60)
    await sweep(app, localstripe)
    # then B's order expired, its unit and its seat are back, and B may take a seat again
    assert (await order_as_brand(client, shop, seat_b["order"]["id"]))["state"] == "expired"
    view = (await client.get(f"/api/v1/groups/{group['code']}")).json()
    assert (view["state"], view["seats_taken"]) == ("open", 1)
    assert await lineup_stock(client, shop) == 4  # 5, one sold to A
    again = await join_group(client, group["code"], b)
    assert again.status_code == 201 and again.json()["group"]["seats_taken"] == 2


async def test_a_seat_paid_after_the_deadline_does_not_fill_the_group(app, client, localstripe):
    # given a group of 2 (5 minutes) with both seats taken and A paid in time
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=2, window_minutes=5)
    a, b = buyer(), buyer()
    seat_a = (await open_group(client, shop.session_id, offer["id"], a)).json()
    seat_b = (await join_group(client, seat_a["group"]["code"], b)).json()
    await pay_seat(client, localstripe, seat_a["order"], a)
    # when B pays six minutes in (its order's 10-minute hold still runs, the group's 5 minutes do not)
    clock.advance(6 * 60)
    await pay_seat(client, localstripe, seat_b["order"], b)
    await app.state.dispatcher.drain()
    # then the group did not fill; the sweep expires it and refunds both
    assert await outbox(app, "GroupFilled") == []
    report = await sweep(app, localstripe)
    assert report.expired == [seat_a["group"]["code"]]
    assert set(report.refunded) == {seat_a["order"]["id"], seat_b["order"]["id"]}
    assert await lineup_stock(client, shop) == 5


async def test_a_processing_seat_keeps_its_seat_until_its_longer_hold(app, client, localstripe):
    # given a group of 2 (an hour) whose opener pressed Pay with a method that confirms later
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=2, window_minutes=60)
    a = buyer()
    seat = (await open_group(client, shop.session_id, offer["id"], a)).json()
    order = (await start_paying(client, seat, a))["order"]
    processing = stripe_event("payment_intent.processing", order, "processing")
    assert (await post_webhook(client, processing, WEBHOOK_SECRET)).json()["outcome"] == "processing"
    code = seat["group"]["code"]
    real, app.state.payment_gateway = app.state.payment_gateway, StillProcessing(app.state.payment_gateway)
    # (reads expire due orders too: Stripe answers them as it answers the sweeper)
    # when the ordinary 10-minute hold has passed: the seat and its unit stay (the debit is on its way)
    clock.advance(11 * 60)
    await sweep_with(app, localstripe, StillProcessing)
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "processing"
    assert (await client.get(f"/api/v1/groups/{code}")).json()["seats_taken"] == 1
    # when its longer hold (30 minutes) has passed but Stripe still cannot cancel it: still kept
    clock.advance(20 * 60)
    await sweep_with(app, localstripe, StillProcessing)
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "processing"
    # when Stripe agrees to cancel it at last: the order expires, the seat and the unit go back
    app.state.payment_gateway = real
    await sweep_with(app, localstripe, lambda gateway: gateway)
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "expired"
    view = (await client.get(f"/api/v1/groups/{code}")).json()
    assert (view["state"], view["seats_taken"]) == ("open", 0)
    assert await lineup_stock(client, shop) == 5


async def sweep_with(app, localstripe, wrap) -> None:
    """The group sweep from this test's loop, through `wrap(real gateway)`."""
    real = StripeGateway(API_KEY, localstripe.base_url, test_payments=True)
    try:
        await expire_due_groups(app.state.sessionmaker, wrap(real))
    finally:
        await real.aclose()
