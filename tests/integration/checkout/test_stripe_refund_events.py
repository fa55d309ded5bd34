"""Refunds made outside our API (the Stripe Dashboard) and Stripe's refund webhooks: the order and
the commission are reversed once per Stripe refund id, whichever of our call and Stripe's event
comes first; partial refunds add up; a refund that fails later is undone by new rows; an event that
disagrees with our record is listed by the reconciliation, never applied over it. Refunds live at
the Stripe test server; events are Stripe's reference objects carrying its ids, signed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from broadcast.checkout.models import Refund
from broadcast.checkout.refunds import RefundService
from commission.reports.reconciliation import reconcile
from commission.reports.schemas import ReconciliationPublic
from server.kernel.clock import utcnow
from server.payments.models import StripeEvent
from tests.database import outbox
from tests.factories import auth
from tests.factories_checkout import buy, make_shop, order_as_brand, post_webhook, visitor
from tests.factories_refunds import (
    applied_refunds,
    charge_object,
    dashboard_refund,
    event,
    refund_object,
    reversal_sums,
)
from tests.integration.checkout.test_refunds import paid_order, refund_url
from tests.stripe_gateway import gateway_of_this_loop
from tests.stripe_server import WEBHOOK_SECRET, stripe_events


async def deliver(client: Any, kind: str, obj: dict[str, Any], event_id: str | None = None) -> str:
    response = await post_webhook(client, event(kind, obj, event_id), WEBHOOK_SECRET)
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def report(app: Any) -> dict[str, Any]:
    async with app.state.sessionmaker() as session:
        return await reconcile(session, utcnow() - timedelta(days=1), utcnow() + timedelta(minutes=1), None)


async def refund_mismatches(app: Any) -> list[dict[str, Any]]:
    found = (await report(app))["mismatches"]
    return [m for m in found if m["section"] != "payouts"]  # no Connect server in these tests


async def test_a_dashboard_refund_reverses_the_order_and_its_commission_once(app, client, localstripe):
    # given a paid order of 100.00, and 30.00 refunded in the Stripe Dashboard
    shop, order = await paid_order(app, client, localstripe)
    intent = order["payment_intent_id"]
    held = dashboard_refund(localstripe, intent, 3000)
    # when Stripe reports it as refund.created, then as charge.refunded, then again (new event ids)
    created = refund_object(held, intent)
    first = await deliver(client, "refund.created", created, "evt_dash_created_1")
    charge = charge_object(held["charge"], intent, 10000, 3000)
    by_charge = await deliver(client, "charge.refunded", charge)
    again = await deliver(client, "refund.created", created)
    replay = await post_webhook(client, event("refund.created", created, "evt_dash_created_1"), WEBHOOK_SECRET)
    # then the order is refunded once, keyed by Stripe's refund id, and its history says where from
    assert (first, by_charge, again) == ("dashboard_refund_credited", "already_applied", "already_applied")
    assert replay.json()["outcome"] == "duplicate"
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "partially_refunded" and detail["refunded_minor"] == 3000
    refunds = (await client.get(refund_url(order), headers=auth(shop.token))).json()
    items = refunds["items"] if isinstance(refunds, dict) else refunds
    assert [(r["stripe_refund_id"], r["amount_minor"], r["state"]) for r in items] == [(held["id"], 3000, "succeeded")]
    assert [e["amount_minor"] for e in await outbox(app, "OrderRefunded")] == [3000]
    # and the commission is reversed once, in a balanced transaction
    await app.state.dispatcher.drain()
    assert await reversal_sums(app, order["id"]) == [(items[0]["id"], 0)]
    assert await applied_refunds(app, order["id"]) == [3000]
    assert await refund_mismatches(app) == []


async def test_our_refund_and_its_event_credit_once_when_the_event_comes_first(app, client, localstripe):
    # given a paid order, and Stripe delivering refund.created while our refund call is still in flight
    _, order = await paid_order(app, client, localstripe)
    outcomes: list[str] = []

    class EventBeforeAnswer:
        def __init__(self, real):
            self.real, self.test_payments = real, real.test_payments

        async def refund(self, intent_id, amount_minor, key, metadata):
            result = await self.real.refund(intent_id, amount_minor, key, metadata)
            held = localstripe.get(f"/v1/refunds/{result.id}")
            outcomes.append(await deliver(client, "refund.created", refund_object(held, intent_id)))
            return result

    # when the brand's refund of 25.00 is made (the service the refund endpoint calls)
    async with gateway_of_this_loop(app, localstripe.base_url) as real, app.state.sessionmaker() as session:
        service = RefundService(session, EventBeforeAnswer(real))
        refund = await service.public(await service.refund(order["id"], 2500, "key-race-0001", None, None))
    # then the event credited it, our call's answer found it done: one refund, one reversal
    assert outcomes == ["refund_credited"]
    assert refund.state == "succeeded" and refund.order_refunded_minor == 2500
    assert [e["amount_minor"] for e in await outbox(app, "OrderRefunded")] == [2500]
    # and the charge.refunded that follows changes nothing
    held = localstripe.refunds_of(order["payment_intent_id"])
    charge = charge_object(held[0]["charge"], order["payment_intent_id"], 10000, 2500)
    assert await deliver(client, "charge.refunded", charge) == "already_applied"
    await app.state.dispatcher.drain()
    assert await applied_refunds(app, order["id"]) == [2500]


async def test_our_refund_then_its_event_and_dashboard_partials_add_up(app, client, localstripe):
    # given a paid order of 100.00: 20.00 refunded through our API, then 30.00 and 50.00 in the Dashboard
    shop, order = await paid_order(app, client, localstripe)
    intent = order["payment_intent_id"]
    ours = await client.post(refund_url(order), json={"amount_minor": 2000}, headers=auth(shop.token))
    dashboard_refund(localstripe, intent, 3000)
    dashboard_refund(localstripe, intent, 5000)
    # when Stripe reports our refund, then the charge (listing all three refunds at Stripe)
    ours_at_stripe = localstripe.get(f"/v1/refunds/{ours.json()['stripe_refund_id']}")
    assert await deliver(client, "refund.created", refund_object(ours_at_stripe, intent)) == "already_applied"
    charge = charge_object(ours_at_stripe["charge"], intent, 10000, 10000)
    outcome = await deliver(client, "charge.refunded", charge)
    # then each refund counted once and the order is fully refunded
    assert outcome == "dashboard_refund_credited"
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "refunded" and detail["refunded_minor"] == 10000
    assert sorted(e["amount_minor"] for e in await outbox(app, "OrderRefunded")) == [2000, 3000, 5000]
    assert await deliver(client, "charge.refunded", charge) == "already_applied"
    await app.state.dispatcher.drain()
    assert sorted(await applied_refunds(app, order["id"])) == [2000, 3000, 5000]
    assert await refund_mismatches(app) == []


async def test_a_refund_that_fails_later_is_undone_by_new_rows(app, client, localstripe):
    # given a paid order with 40.00 refunded in the Dashboard and applied to the ledger
    shop, order = await paid_order(app, client, localstripe)
    intent = order["payment_intent_id"]
    held = dashboard_refund(localstripe, intent, 4000)
    assert await deliver(client, "refund.created", refund_object(held, intent)) == "dashboard_refund_credited"
    await app.state.dispatcher.drain()
    # when Stripe reports that the refund failed (the buyer's bank refused it), twice
    failed = refund_object(held, intent, status="failed", failure_reason="expired_or_canceled_card")
    outcome = await deliver(client, "refund.updated", failed)
    again = await deliver(client, "refund.failed", failed)
    # and a stale refund.created (succeeded) arrives after the failure
    stale = await deliver(client, "refund.created", refund_object(held, intent))
    # then the order has its money back, with the refund and its failure both in its history
    assert (outcome, again, stale) == ("refund_undone", "already_applied", "already_applied")
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "paid" and detail["refunded_minor"] == 0
    reasons = [h["reason"] for h in detail["history"]]
    assert reasons[-2:] == ["refund", "refund_failed"]
    assert [e["amount_minor"] for e in await outbox(app, "OrderRefundFailed")] == [4000]
    # and the commission reversal stays, compensated by a new balanced transaction
    await app.state.dispatcher.drain()
    await app.state.dispatcher.drain()
    refund_id = detail["history"][-1]["data"]["refund_id"]
    assert await reversal_sums(app, order["id"]) == [(refund_id, 0), (f"{refund_id}:failed", 0)]
    assert await applied_refunds(app, order["id"]) == [4000, -4000]
    assert await refund_mismatches(app) == []
    # and the order can be refunded again for its full amount
    retry = await client.post(refund_url(order), json={}, headers=auth(shop.token))
    assert retry.status_code == 201 and retry.json()["amount_minor"] == 10000


async def test_a_refund_event_that_disagrees_with_ours_is_listed_not_applied(app, client, localstripe):
    # given a paid order with 30.00 refunded through our API
    shop, order = await paid_order(app, client, localstripe)
    ours = await client.post(refund_url(order), json={"amount_minor": 3000}, headers=auth(shop.token))
    held = localstripe.get(f"/v1/refunds/{ours.json()['stripe_refund_id']}")
    # when an event reports that same Stripe refund as 25.00, twice (new event ids)
    disagreeing = refund_object(held, order["payment_intent_id"], amount=2500)
    outcome = await deliver(client, "refund.updated", disagreeing)
    again = await deliver(client, "refund.updated", disagreeing)
    # then our record stands, and the reconciliation lists the disagreement once, with its reason
    assert (outcome, again) == ("refund_mismatch", "refund_mismatch")
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["refunded_minor"] == 3000
    assert len(await outbox(app, "OrderRefunded")) == 1
    listed = await refund_mismatches(app)
    assert [(m["section"], m["order_id"], m["stripe_refund_id"]) for m in listed] == [
        ("refunds", order["id"], held["id"])
    ]
    assert "2500" in listed[0]["reason"] and "3000" in listed[0]["reason"]
    # and the report's public shape keeps which refund it is; a brand may not read the report
    public = ReconciliationPublic.model_validate({**await report(app), "mismatches": listed})
    assert [m.stripe_refund_id for m in public.mismatches] == [held["id"]]
    assert (await client.get("/api/v1/finance/reconciliation", headers=auth(shop.token))).status_code == 403


async def test_a_refund_of_an_unknown_charge_is_recorded_and_acknowledged(app, client, localstripe):
    # given Stripe's published refund and charge, which belong to no order of ours
    refund = refund_object({"id": "re_unknown_0001"})
    charge = charge_object("ch_unknown_0001", "pi_unknown_0001", 100, 100)
    # when they are delivered (a 2xx stops Stripe retrying), and the refund again with the same event id
    outcomes = [
        await deliver(client, "refund.created", refund, "evt_unknown_refund_1"),
        await deliver(client, "charge.refunded", charge, "evt_unknown_charge_1"),
        await deliver(client, "refund.created", refund, "evt_unknown_refund_1"),
    ]
    # then each is recorded once with why nothing was done, and no refund row exists
    assert outcomes == ["unknown_order", "unknown_order", "duplicate"]
    async with app.state.sessionmaker() as session:
        rows = (
            await session.exec(
                select(StripeEvent).where(StripeEvent.object_id.in_(["re_unknown_0001", "ch_unknown_0001"]))
            )
        ).all()  # type: ignore[union-attr]
        assert sorted((r.id, r.outcome) for r in rows) == [
            ("evt_unknown_charge_1", "unknown_order"),
            ("evt_unknown_refund_1", "unknown_order"),
        ]
        assert (await session.exec(select(Refund))).all() == []


async def test_charge_refunded_while_stripe_cannot_list_the_refunds_is_redelivered(app, client, localstripe):
    # given a Dashboard refund of a paid order, and Stripe unreachable when its charge.refunded arrives
    shop, order = await paid_order(app, client, localstripe)
    held = dashboard_refund(localstripe, order["payment_intent_id"], 1000)
    charge = charge_object(held["charge"], order["payment_intent_id"], 10000, 1000)
    real = app.state.payment_gateway

    class Unreachable:
        async def list_refunds(self, intent_id):
            from broadcast.checkout.gateway import PaymentProviderUnavailable

            raise PaymentProviderUnavailable("Stripe: connection refused")

    app.state.payment_gateway = Unreachable()
    try:
        response = await post_webhook(client, event("charge.refunded", charge, "evt_charge_later_1"), WEBHOOK_SECRET)
    finally:
        app.state.payment_gateway = real
    # then the webhook answers 503 and records nothing, so Stripe's redelivery applies it
    assert response.status_code == 503 and response.headers["content-type"].startswith("application/problem+json")
    assert await deliver(client, "charge.refunded", charge, "evt_charge_later_1") == "dashboard_refund_credited"
    assert (await order_as_brand(client, shop, order["id"]))["refunded_minor"] == 1000


async def test_a_refund_reported_before_its_payment_is_redelivered_until_the_order_is_paid(app, client, localstripe):
    # given an order paid at Stripe and refunded in the Dashboard, whose payment webhook is late
    shop = await make_shop(app, client, stock=2)
    vid = "buyer-refund-first1"
    order = (await buy(client, shop, 1, vid))["order"]
    await client.post(f"/api/v1/checkout/orders/{order['id']}/test-payment", headers=visitor(vid))
    held = dashboard_refund(localstripe, order["payment_intent_id"], 500)
    created = event("refund.created", refund_object(held, order["payment_intent_id"]), "evt_refund_first_1")
    # when the refund's event comes first
    early = await post_webhook(client, created, WEBHOOK_SECRET)
    # then it is refused with a 503 and nothing is kept, so Stripe delivers it again
    assert early.status_code == 503
    assert (await order_as_brand(client, shop, order["id"]))["state"] == "pending_payment"
    # when the payment's webhook arrives and then Stripe redelivers the refund's
    succeeded = [e for e in stripe_events(localstripe, order["payment_intent_id"]) if e["type"].endswith("succeeded")]
    assert (await post_webhook(client, succeeded[0], WEBHOOK_SECRET)).json()["outcome"] == "paid"
    again = await post_webhook(client, created, WEBHOOK_SECRET)
    # then the refund is credited to the now paid order
    assert again.json()["outcome"] == "dashboard_refund_credited"
    detail = await order_as_brand(client, shop, order["id"])
    assert detail["state"] == "partially_refunded" and detail["refunded_minor"] == 500
