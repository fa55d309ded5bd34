"""What checkout mounts: its controllers, the payment gateway's and stock gate's lifetimes, the gate's
reconcile pass and the expiry sweeper."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from broadcast.checkout.cart import cart_lines
from broadcast.checkout.controllers import CartController, CheckoutController, OrderController
from broadcast.checkout.expiry import sweeper
from broadcast.checkout.gate.runtime import reconciler, stock_gate_lifespan
from broadcast.checkout.gateway import StripeGateway
from broadcast.coupons.wallet import CART_LINES_STATE


@contextlib.asynccontextmanager
async def payment_gateway(app: Any) -> AsyncIterator[None]:
    """One Stripe client per app (its HTTP pool belongs to this event loop); None = payments disabled."""
    settings = app.state.settings
    gateway = None
    if settings.stripe_api_key:
        gateway = StripeGateway(
            settings.stripe_api_key,
            settings.stripe_api_base,
            test_payments=settings.stripe_test_payments and not settings.is_production,
        )
    app.state.payment_gateway = gateway
    try:
        yield
    finally:
        if gateway is not None:
            await gateway.aclose()


@contextlib.asynccontextmanager
async def coupon_cart_lines(app: Any) -> AsyncIterator[None]:
    """LIFESPAN: the coupon wallet prices claims against the cart without importing checkout."""
    setattr(app.state, CART_LINES_STATE, cart_lines)
    yield


ROUTE_HANDLERS: list[Any] = [CartController, CheckoutController, OrderController]
LIFESPANS: list[Any] = [payment_gateway, stock_gate_lifespan, reconciler, sweeper, coupon_cart_lines]
