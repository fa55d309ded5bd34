"""Bad dispute webhooks: replays, an unknown charge, a dispute larger than the charge, a closed
dispute never seen opened, a malformed object — each a 200 with a recorded outcome (Stripe stops
retrying), a recorded reason or a listed mismatch, nothing applied twice, nothing lost."""

from __future__ import annotations

from datetime import timedelta

from commission.models import OrderCommission
from server.kernel.clock import utcnow
from server.payments.models import StripeEvent
from tests.factories import auth, make_token
from tests.factories_checkout import post_webhook
from tests.factories_disputes import disputable_order, dispute_event, dispute_object, send
from tests.integration.disputes.ledger_views import count_transactions, dispute_row, partner_balances
from tests.stripe_server import WEBHOOK_SECRET


async def recon_mismatches(app, client):
    finance = await make_token(app, "finance")
    params = {
        "since": (utcnow() - timedelta(days=30)).isoformat(),
        "until": (utcnow() + timedelta(minutes=1)).isoformat(),
    }
    report = await client.get("/api/v1/finance/reconciliation", params=params, headers=auth(finance))
    assert report.status_code == 200, report.text
    return [m for m in report.json()["mismatches"] if m["section"] == "disputes"]


async def test_replayed_and_repeated_dispute_events_apply_once(app, client):
    sale = await disputable_order(app, client, paid_days_ago=1)
    dispute = dispute_object(sale["intent_id"], 10000, fee_minor=1500)
    # the same event twice, then the same news under a new event id (Stripe's retry of an update)
    assert (await send(client, "charge.dispute.created", dispute, "evt_dispute_open_1"))["outcome"] == "dispute_held"
    assert (await send(client, "charge.dispute.created", dispute, "evt_dispute_open_1"))["outcome"] == "duplicate"
    assert (await send(client, "charge.dispute.updated", dispute))["outcome"] == "dispute_updated"
    lost = {**dispute, "status": "lost"}
    assert (await send(client, "charge.dispute.closed", lost))["outcome"] == "dispute_lost"
    before = await count_transactions(app)
    assert (await send(client, "charge.dispute.closed", lost))["outcome"] == "dispute_updated"
    assert (await send(client, "charge.dispute.updated", {**dispute, "status": "won"}))["outcome"] == "dispute_updated"
    # then nothing moved again: one hold, one reversal, one fee
    assert await count_transactions(app) == before
    assert await partner_balances(app, sale["partner_id"]) == {}
    assert (await dispute_row(app, dispute["id"])).phase == "lost"
    assert await recon_mismatches(app, client) == []


async def test_a_dispute_for_an_unknown_charge_is_recorded_and_listed(app, client):
    dispute = dispute_object("pi_never_ours_000000000000", 4200)
    answer = await send(client, "charge.dispute.created", dispute)
    assert answer["outcome"] == "dispute_unmatched"
    row = await dispute_row(app, dispute["id"])
    assert row.phase == "unmatched" and row.order_id is None and "no order for charge" in (row.problem or "")
    async with app.state.sessionmaker() as session:
        assert (await session.get(StripeEvent, answer["id"])).outcome == "dispute_unmatched"
    # finance sees it, with the reason, in its list and as a reconciliation mismatch
    finance = await make_token(app, "finance")
    listed = (await client.get("/api/v1/finance/disputes", headers=auth(finance))).json()
    assert [d["stripe_dispute_id"] for d in listed["items"]] == [dispute["id"]]
    assert [m["dispute_id"] for m in await recon_mismatches(app, client)] == [dispute["id"]]
    # and closing it moves nothing
    closed = await send(client, "charge.dispute.closed", {**dispute, "status": "lost"})
    assert closed["outcome"] == "dispute_closed_unmatched"


async def test_a_dispute_larger_than_the_charge_holds_and_reverses_only_the_order(app, client):
    sale = await disputable_order(app, client, paid_days_ago=1, amount_minor=10000)
    dispute = dispute_object(sale["intent_id"], 25000)
    assert (await send(client, "charge.dispute.created", dispute))["outcome"] == "dispute_held"
    assert (await send(client, "charge.dispute.closed", {**dispute, "status": "lost"}))["outcome"] == "dispute_lost"
    row = await dispute_row(app, dispute["id"])
    assert row.lost_minor == 10000 and "exceeds the 10000 left" in (row.problem or "")
    assert await partner_balances(app, sale["partner_id"]) == {}
    # the reconciliation ties the ledger out and lists the dispute Stripe took more for
    assert [m["dispute_id"] for m in await recon_mismatches(app, client)] == [dispute["id"]]


async def test_a_closed_dispute_never_seen_opened_is_opened_and_closed_at_once(app, client):
    sale = await disputable_order(app, client, paid_days_ago=1)
    dispute = dispute_object(sale["intent_id"], 10000, status="won")
    assert (await send(client, "charge.dispute.closed", dispute))["outcome"] == "dispute_won"
    assert await partner_balances(app, sale["partner_id"]) == {"pending": 1000}


async def test_a_malformed_dispute_or_currency_is_recorded_without_effect(app, client):
    sale = await disputable_order(app, client, paid_days_ago=1)
    broken = dispute_object(sale["intent_id"], 10000)
    del broken["amount"]
    response = await post_webhook(client, dispute_event("charge.dispute.created", broken), WEBHOOK_SECRET)
    assert response.status_code == 200 and response.json()["outcome"].startswith("malformed_dispute")
    other = dispute_object(sale["intent_id"], 10000, currency="USD")
    assert (await send(client, "charge.dispute.created", other))["outcome"] == "dispute_unmatched"
    assert "currency mismatch" in ((await dispute_row(app, other["id"])).problem or "")
    assert await partner_balances(app, sale["partner_id"]) == {"pending": 1000}
    unsigned = await client.post(
        "/api/v1/payments/stripe/webhook", content=b"{}", headers={"Stripe-Signature": "t=1,v1=00"}
    )
    assert unsigned.status_code == 400 and unsigned.headers["content-type"].startswith("application/problem+json")


async def test_a_dispute_before_its_commission_accrued_holds_at_its_next_event(app, client):
    # given a paid order whose OrderPaid has not reached the ledger yet (the checkout row only)
    sale = await disputable_order(app, client, paid_days_ago=1)
    async with app.state.sessionmaker() as session:
        order = await session.get(OrderCommission, sale["order"]["order_id"])
        stale = OrderCommission.model_validate(order.model_dump())
        await session.delete(order)
        await session.commit()
    dispute = dispute_object(sale["intent_id"], 10000)
    assert (await send(client, "charge.dispute.created", dispute))["outcome"] == "dispute_unmatched"
    assert "no commission accrued yet" in ((await dispute_row(app, dispute["id"])).problem or "")
    # when the commission is there and Stripe's next word on the dispute arrives
    async with app.state.sessionmaker() as session:
        session.add(stale)
        await session.commit()
    assert (await send(client, "charge.dispute.updated", dispute))["outcome"] == "dispute_held"
    # then the share is frozen as if the dispute had come after it
    row = await dispute_row(app, dispute["id"])
    assert (row.phase, row.problem, row.partner_held_minor) == ("held", None, 1000)
