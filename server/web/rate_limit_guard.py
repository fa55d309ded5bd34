"""Which public write counts against which limit, and the app guard that enforces it (HTTP).

One table here instead of an `opt` on each route: the routes stay untouched, and a unit test checks
that every route the app has without a role and with a writing method is either in the table or
named below as deliberately unlimited, so a new public write cannot slip past unnoticed. The room's
comments and sockets are limited where they happen (`broadcast/liveroom/actions.py`,
`server/web/socket_cap.py`)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from server.kernel.client_address import client_address
from server.kernel.cookies import VISITOR_COOKIE
from server.kernel.problems import RateLimited
from server.kernel.rate_limit import (
    MemoryConnectionLeases,
    MemoryRateLimiter,
    RateLimits,
    RedisConnectionLeases,
    RedisRateLimiter,
    rate_limits_of,
)
from server.settings import Settings

ROUTE_ACTIONS: dict[tuple[str, str], str] = {
    ("POST", "/api/v1/sessions/{session_id}/checkout"): "checkout",
    ("POST", "/api/v1/sessions/{session_id}/group-offers/{offer_id}/groups"): "checkout",
    ("POST", "/api/v1/groups/{code}/members"): "checkout",
    ("POST", "/api/v1/sessions/{session_id}/cart/items"): "cart",
    ("PUT", "/api/v1/sessions/{session_id}/cart/items"): "cart",
    ("DELETE", "/api/v1/sessions/{session_id}/cart/items/{sku_id}"): "cart",
    ("POST", "/api/v1/sessions/{session_id}/coupons/{coupon_id}/claims"): "coupon_claim",
    ("POST", "/api/v1/sessions/{session_id}/lotteries/{lottery_id}/entries"): "lottery_entry",
    ("POST", "/api/v1/sessions/{session_id}/reminders"): "reminder",
    ("DELETE", "/api/v1/sessions/{session_id}/reminders"): "reminder",
    ("POST", "/api/v1/reminders/confirmations"): "reminder",
    # Pay: the same intent again for the same order, but a new order's first press calls Stripe
    ("POST", "/api/v1/checkout/orders/{order_id}/payment-intent"): "cart",
    ("POST", "/signin"): "signin",
}
# Public writes left out on purpose, and why.
UNLIMITED_PUBLIC_WRITES = {
    ("POST", "/api/v1/payments/stripe/webhook"): "signed by Stripe; a bad signature is refused first",
    ("POST", "/api/v1/checkout/orders/{order_id}/test-payment"): "test mode only, the buyer's own order",
    ("POST", "/api/v1/checkout/orders/{order_id}/delivery"): "the buyer's own paid order, once (a repeat is a 409)",
    ("POST", "/api/v1/checkout/orders/{order_id}/aftersales"): "the buyer's own paid order, one open request at a time",
    ("POST", "/buyers/consent/{token}/withdraw"): "an HMAC-signed link; a forged token is refused before any write",
    ("POST", "/buyers/consent/{token}/erase"): "an HMAC-signed link; a forged token is refused before any write",
}
WHAT = {
    "checkout": "orders",
    "cart": "cart changes",
    "coupon_claim": "coupon claims",
    "lottery_entry": "lottery entries",
    "reminder": "reminder requests",
    "comment": "comments",
    "signin": "sign-in attempts",
}


def build_rate_limits(settings: Settings, redis: Any) -> RateLimits:
    if redis is None:
        return RateLimits(settings.limits, MemoryRateLimiter(), MemoryConnectionLeases())
    namespace = settings.redis_namespace
    return RateLimits(settings.limits, RedisRateLimiter(redis, namespace), RedisConnectionLeases(redis, namespace))


def refusal(limits: RateLimits, action: str, wait_s: int) -> RateLimited:
    rate = limits.rate(action)
    return RateLimited(
        f"too many {WHAT[action]} from this browser or address (at most {rate} each); retry in {wait_s} s",
        extra={"reason": "rate-limited", "action": action, "retry_after": wait_s},
        headers={"Retry-After": str(wait_s)},
    )


async def rate_limit_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:  # type: ignore[type-arg]
    """An app guard: runs before the body is read, so a refused request costs one store round trip."""
    scope = connection.scope
    action = ROUTE_ACTIONS.get((str(scope.get("method", "")), scope.get("path_template", "")))
    if action is None:
        return
    limits = rate_limits_of(connection.app)
    wait_s = await limits.check(action, client_address(scope), connection.cookies.get(VISITOR_COOKIE))
    if wait_s:
        raise refusal(limits, action, wait_s)
