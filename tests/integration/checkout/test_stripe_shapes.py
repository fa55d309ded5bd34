"""The webhook handlers read Stripe's own example objects (`../shared/stripe/fixtures3.json`):
the published `event` envelope carrying the published `payment_intent`, with our ids put in."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from tests import services
from tests.database import outbox
from tests.factories_checkout import buy, make_shop, post_webhook
from tests.live_server import ROOT
from tests.stripe_server import WEBHOOK_SECRET

# `../shared/stripe/` beside the repository; a worktree sits one level deeper; or name it explicitly.
CANDIDATES = [Path(p) for p in filter(None, [os.environ.get("ZX_STRIPE_FIXTURES")])] + [
    root / "shared" / "stripe" / "fixtures3.json" for root in (ROOT.parent, ROOT.parent.parent)
]


def stripe_fixtures() -> dict:
    for path in CANDIDATES:
        if path.exists():
            return json.loads(path.read_text())["resources"]
    message = f"Stripe's fixtures3.json not found (looked in {', '.join(map(str, CANDIDATES))})"
    if services.services_required():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def stripe_event(kind: str, order: dict, status: str) -> dict:
    resources = stripe_fixtures()
    intent = copy.deepcopy(resources["payment_intent"])
    intent.update(
        id=order["payment_intent_id"],
        amount=order["amount_minor"],
        amount_received=order["amount_minor"],
        currency=order["currency"].lower(),
        status=status,
        metadata={"order_id": order["id"]},
    )
    event = copy.deepcopy(resources["event"])
    event.update(id=f"evt_{kind}_{order['id'][-10:]}", type=kind, data={"object": intent})
    return event


async def test_succeeded_in_stripe_shape_marks_paid(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    order = (await buy(client, shop, 2))["order"]
    response = await post_webhook(client, stripe_event("payment_intent.succeeded", order, "succeeded"), WEBHOOK_SECRET)
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    assert (await outbox(app, "OrderPaid"))[0]["amount_minor"] == order["amount_minor"]


async def test_canceled_in_stripe_shape_releases(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    order = (await buy(client, shop, 2))["order"]
    event = stripe_event("payment_intent.canceled", order, "canceled")
    response = await post_webhook(client, event, WEBHOOK_SECRET)
    assert response.json()["outcome"] == "released"
    assert (await outbox(app, "StockChanged"))[-1]["stock"] == 3


async def test_an_amount_that_does_not_match_the_order_does_not_pay_it(app, client, localstripe):
    shop = await make_shop(app, client, stock=3)
    order = (await buy(client, shop, 1))["order"]
    event = stripe_event("payment_intent.succeeded", order, "succeeded")
    event["data"]["object"].update(amount=1, amount_received=1)
    response = await post_webhook(client, event, WEBHOOK_SECRET)
    assert response.json()["outcome"] == "amount_mismatch" and await outbox(app, "OrderPaid") == []


async def test_unknown_event_types_and_orders_are_recorded_and_ignored(app, client, localstripe):
    resources = stripe_fixtures()
    plan_event = resources["event"]  # the published example is a `plan.created`
    assert (await post_webhook(client, plan_event, WEBHOOK_SECRET)).json()["outcome"] == "not_handled"
    stray = copy.deepcopy(resources["event"])
    stray.update(id="evt_stray", type="payment_intent.succeeded", data={"object": resources["payment_intent"]})
    assert (await post_webhook(client, stray, WEBHOOK_SECRET)).json()["outcome"] == "unknown_order"
