"""Disputes through the signed Stripe webhook: opened → the commission is frozen (never settled);
won → back where it was; lost → reversed like a refund, a paid-out partner clawed back, the brand's
net bearing the disputed amount and Stripe's fee; the reconciliation ties out all along."""

from __future__ import annotations

from datetime import timedelta

from commission.connect import ConnectGateway
from commission.settlement import SettleRequest, settle
from server.kernel.clock import utcnow
from tests.factories import auth, make_token
from tests.factories_disputes import disputable_order, dispute_object, send
from tests.integration.disputes.ledger_views import brand_balances, dispute_row, partner_balances, transactions


async def settle_now(app):
    return await settle(app.state.sessionmaker, ConnectGateway(app.state.settings), SettleRequest(as_of=utcnow()))


async def reconciliation(app, client):
    finance = await make_token(app, "finance")
    since = (utcnow() - timedelta(days=30)).isoformat()
    until = (utcnow() + timedelta(minutes=1)).isoformat()
    response = await client.get(
        "/api/v1/finance/reconciliation", params={"since": since, "until": until}, headers=auth(finance)
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_dispute_lost_after_payout_claws_back_and_the_brand_bears_amount_and_fee(app, client, connect_server):
    # given an order of 100.00 whose partner was paid its 10.00 commission
    sale = await disputable_order(app, client, stripe_account_id=connect_server.add_account())
    partner, brand = sale["partner_id"], sale["brand_id"]
    assert [p["amount_minor"] for p in (await settle_now(app)).payouts] == [1000]
    # when the buyer disputes the whole charge (Stripe takes a 15.00 fee) and the brand loses
    dispute = dispute_object(sale["intent_id"], 10000, fee_minor=1500)
    opened = await send(client, "charge.dispute.created", dispute)
    assert opened["outcome"] == "dispute_held"
    assert await partner_balances(app, partner) == {"available": -1000, "disputed": 1000, "paid": 1000}
    closed = await send(client, "charge.dispute.closed", {**dispute, "status": "lost"})
    # then the commission is reversed: the partner owes its 10.00 back (a negative available balance)
    assert closed["outcome"] == "dispute_lost"
    assert await partner_balances(app, partner) == {"available": -1000, "paid": 1000}
    # and the brand's net bears the 100.00 (less the commission given back) and the fee, each its own line
    assert await brand_balances(app, brand) == {"net": -1500}
    assert await transactions(app, dispute["id"]) == ["dispute_held", "dispute_lost", "dispute_fee"]
    row = await dispute_row(app, dispute["id"])
    assert (row.phase, row.lost_minor, row.fee_minor, row.problem) == ("lost", 10000, 1500, None)
    # and the next settlement pays nothing (the clawback is carried forward), everything ties out
    assert (await settle_now(app)).payouts == []
    report = await reconciliation(app, client)
    assert report["mismatches"] == [] and report["ok"]
    assert report["orders"][0]["disputes_lost_minor"] == 10000
    assert report["disputes"][0]["dispute_fees_minor"] == 1500
    # and both statements show it: the partner's reversal, the brand's lost dispute and fee
    finance = auth(await make_token(app, "finance"))
    partner_statement = (await client.get(f"/api/v1/partners/{partner}/statement", headers=finance)).json()
    [row] = partner_statement["currencies"]
    assert row["ties_out"] and row["reversed_minor"] == 1000 and row["closing_owed_minor"] == -1000
    brand_statement = (await client.get(f"/api/v1/brands/{brand}/statement", headers=finance)).json()
    [row] = brand_statement["currencies"]
    assert (row["disputes_lost_minor"], row["dispute_fees_minor"], row["net_minor"]) == (10000, 1500, 0)


async def test_dispute_inside_the_hold_is_not_released_until_won_then_paid(app, client, connect_server):
    # given an order whose hold (7 days) ended but which no settlement has released yet
    sale = await disputable_order(app, client, stripe_account_id=connect_server.add_account(), paid_days_ago=8)
    partner = sale["partner_id"]
    dispute = dispute_object(sale["intent_id"], 10000, status="warning_needs_response")
    # when a dispute arrives, then settlement runs
    await send(client, "charge.dispute.created", dispute)
    assert await partner_balances(app, partner) == {"disputed": 1000}
    report = await settle_now(app)
    # then nothing was released or paid: the frozen share is out of reach
    assert report.released_orders == 0 and report.payouts == []
    assert await partner_balances(app, partner) == {"disputed": 1000}
    # when the brand wins, the share is back in pending, and the next settlement releases and pays it
    won = await send(client, "charge.dispute.closed", {**dispute, "status": "won"})
    assert won["outcome"] == "dispute_won"
    assert await partner_balances(app, partner) == {"pending": 1000}
    report = await settle_now(app)
    assert report.released_orders == 1 and [p["amount_minor"] for p in report.payouts] == [1000]
    assert await partner_balances(app, partner) == {"paid": 1000}
    assert (await reconciliation(app, client))["mismatches"] == []


async def test_settlement_skips_the_disputed_share_of_an_available_balance(app, client, connect_server):
    # given two released orders of one partner (10.00 + 5.00 available), one of them disputed
    account = connect_server.add_account()
    first = await disputable_order(app, client, stripe_account_id=account)
    await settle_now(app)  # pays the first order's 10.00
    second = await disputable_order(
        app, client, brand_id=first["brand_id"], partner_id=first["partner_id"], amount_minor=5000
    )
    third = await disputable_order(
        app, client, brand_id=first["brand_id"], partner_id=first["partner_id"], amount_minor=20000
    )
    async with app.state.sessionmaker() as session:
        from commission.release import release_matured

        await release_matured(session, utcnow())
        await session.commit()
    await send(client, "charge.dispute.created", dispute_object(third["intent_id"], 20000))
    # when settlement runs
    report = await settle_now(app)
    # then only the undisputed 5.00 is paid; the disputed 20.00 stays frozen
    assert [p["amount_minor"] for p in report.payouts] == [500]
    assert await partner_balances(app, first["partner_id"]) == {"disputed": 2000, "paid": 1500}
    assert second["partner_id"] == first["partner_id"]


async def test_a_partial_dispute_lost_reverses_in_proportion_and_releases_the_rest(app, client, connect_server):
    sale = await disputable_order(app, client, stripe_account_id=connect_server.add_account(), paid_days_ago=1)
    dispute = dispute_object(sale["intent_id"], 2500)
    await send(client, "charge.dispute.created", dispute)
    assert await partner_balances(app, sale["partner_id"]) == {"disputed": 1000}
    await send(client, "charge.dispute.closed", {**dispute, "status": "lost"})
    # 25 % of the order lost: 2.50 of the 10.00 reversed, 7.50 back in pending (still inside its hold)
    assert await partner_balances(app, sale["partner_id"]) == {"pending": 750}
    assert await brand_balances(app, sale["brand_id"]) == {"net": 9000 - 2500 + 250, "sales": -10000 + 2500}
    assert (await reconciliation(app, client))["mismatches"] == []
