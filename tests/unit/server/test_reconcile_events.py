"""Which webhook the reconcile sweeper replays for a PaymentIntent's state, and under which id."""

from __future__ import annotations

import pytest

from broadcast.checkout.gateway import Intent
from server.payments.handlers import intent_fields
from server.payments.reconcile import event_type, synthetic_event


def intent(status: str, payment_error: str | None = None, order_id: str | None = "ord_1") -> Intent:
    return Intent("pi_1", status, "secret", 1500, "CNY", 1500 if status == "succeeded" else 0, order_id, payment_error)


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        ("succeeded", None, "payment_intent.succeeded"),
        ("canceled", None, "payment_intent.canceled"),
        ("requires_payment_method", "card_declined", "payment_intent.payment_failed"),
        ("requires_payment_method", None, None),  # the buyer has not paid yet: the hold's expiry decides
        ("requires_action", None, None),
        ("processing", None, "payment_intent.processing"),  # the webhook was lost: extend the hold
    ],
)
def test_the_event_replayed_follows_stripe_state(status, error, expected):
    assert event_type(intent(status, error)) == expected


def test_the_replayed_event_has_a_stable_id_and_what_the_handlers_read():
    first = synthetic_event("ord_1", intent("succeeded"), "payment_intent.succeeded")
    again = synthetic_event("ord_1", intent("succeeded"), "payment_intent.succeeded")
    assert first["id"] == again["id"] == "zx_reconcile_pi_1_succeeded"
    assert intent_fields(first["data"]["object"]) == ("pi_1", "ord_1", 1500, "CNY")


def test_the_order_id_falls_back_to_ours_when_the_intent_has_no_metadata():
    event = synthetic_event("ord_9", intent("canceled", order_id=None), "payment_intent.canceled")
    assert event["data"]["object"]["metadata"] == {"order_id": "ord_9"}
