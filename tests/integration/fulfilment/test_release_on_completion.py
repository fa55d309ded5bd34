"""`release_on: completion`: commission stays pending until the order completes; a return before
completion reverses it from pending, so nothing is clawed back after payout; `days` brands keep
releasing after their hold."""

from __future__ import annotations

from tests.factories import auth, make_token
from tests.factories_fulfilment import (
    ask,
    confirm,
    days_pass,
    decide,
    partner_balances,
    partner_bought,
    received,
    release,
    ship,
)


async def test_new_brands_release_on_completion_and_an_update_keeps_it(app, client):
    admin = await make_token(app, "admin")
    made = await client.post(
        "/api/v1/brands", json={"name": "New", "slug": "new-brand", "default_currency": "CNY"}, headers=auth(admin)
    )
    assert made.json()["settings"]["release_on"] == "completion"
    changed = await client.patch(
        f"/api/v1/brands/{made.json()['id']}", json={"settings": {"hold_period_days": 3}}, headers=auth(admin)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["settings"]["release_on"] == "completion"
    # and a later PATCH of another setting keeps the hold days just set (the settings sent replace theirs only)
    again = await client.patch(
        f"/api/v1/brands/{made.json()['id']}", json={"settings": {"release_on": "days"}}, headers=auth(admin)
    )
    assert again.status_code == 200, again.text
    assert (again.json()["settings"]["release_on"], again.json()["settings"]["hold_period_days"]) == ("days", 3)


async def test_commission_waits_for_completion_then_is_released(app, client, localstripe):
    # given an order of 200.00 through a partner's link (10 %: 20.00) at a completion brand
    b, partner = await partner_bought(app, client, localstripe, release_on="completion", hold_period_days=7)
    assert (await partner_balances(app, partner)).get("pending") == 2000
    # when the hold days pass with the order still on its way
    await ship(client, b)
    await days_pass(app, 8)
    assert await release(app) == 0
    assert (await partner_balances(app, partner)).get("available", 0) == 0
    # and it is delivered (automatically after 10 days) and completes after the 7-day window
    await days_pass(app, 3)
    await days_pass(app, 7.1)
    # then the release job moves it to available
    assert await release(app) == 1
    assert await partner_balances(app, partner) == {"pending": 0, "available": 2000}
    # and the frozen split says which rule released it, and when the order completed
    split = (await client.get(f"/api/v1/orders/{b.order['id']}/commission", headers=auth(b.shop.token))).json()
    assert split["release_on"] == "completion" and split["completed_at"] is not None and split["released_at"]


async def test_a_return_before_completion_reverses_from_pending_with_no_clawback(app, client, localstripe):
    b, partner = await partner_bought(app, client, localstripe, release_on="completion", return_address="Returns dock")
    await ship(client, b)
    await confirm(client, b)
    asked = (await ask(client, b, quantity=1)).json()
    await decide(client, b, asked["id"], decision="approve")
    await received(client, b, asked["id"])
    await app.state.dispatcher.drain()
    assert await partner_balances(app, partner) == {"pending": 1000}  # one unit's 10.00 reversed from pending
    await days_pass(app, 7.1)
    assert await release(app) == 1
    balances = await partner_balances(app, partner)
    assert balances == {"pending": 0, "available": 1000} and min(balances.values()) >= 0


async def test_a_refund_after_completion_reverses_from_available(app, client, localstripe):
    b, partner = await partner_bought(app, client, localstripe, release_on="completion")
    await ship(client, b)
    await confirm(client, b)
    await days_pass(app, 7.1)
    await release(app)
    refund = await client.post(
        f"/api/v1/orders/{b.order['id']}/refunds", json={"amount_minor": 10000}, headers=auth(b.shop.token)
    )
    assert refund.status_code == 201, refund.text
    await app.state.dispatcher.drain()
    assert await partner_balances(app, partner) == {"pending": 0, "available": 1000}


async def test_a_days_brand_releases_after_the_hold_whatever_the_fulfilment(app, client, localstripe):
    _, partner = await partner_bought(app, client, localstripe, release_on="days", hold_period_days=7)
    await days_pass(app, 7.1)
    assert await release(app) == 1
    assert await partner_balances(app, partner) == {"pending": 0, "available": 2000}
