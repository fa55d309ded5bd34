"""What the PaymentIntent is created with: the Payment Element's methods only at Stripe itself."""

from __future__ import annotations

from broadcast.checkout.gateway import StripeGateway, intent_params


def test_at_stripe_the_intent_lets_the_dashboard_choose_the_methods():
    params = intent_params("ord_1", 1500, "CNY", automatic_methods=True)
    assert params == {
        "amount": 1500,
        "currency": "cny",
        "metadata": {"order_id": "ord_1"},
        "automatic_payment_methods": {"enabled": True},
    }


def test_a_loopback_test_server_gets_no_automatic_methods():
    # localstripe answers 400 "Unexpected automatic_payment_methods"; its intents are confirmed server-side.
    assert "automatic_payment_methods" not in intent_params("ord_1", 1500, "CNY", automatic_methods=False)
    assert StripeGateway("sk_test_x", "http://127.0.0.1:1").automatic_methods is False
    assert StripeGateway("sk_live_x").automatic_methods is True
