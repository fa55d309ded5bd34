"""The one table from outbox topics to webhook events: which typed event becomes which webhook
event, whose brand hears it, and which field orders its deliveries. A new event (the fulfilment
events, say) is one line here; its payload is its contract (`server.kernel.contracts`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from commission.models import SettlementRun

Payload = Mapping[str, Any]
BrandOf = Callable[[AsyncSession, Payload], Awaitable[str | None]]

EVENT_NAMES = (
    "order.paid",
    "order.refunded",
    "order.shipped",
    "order.delivered",
    "order.completed",
    "aftersale.requested",
    "aftersale.decided",
    "payout.sent",
    "session.live",
    "session.ended",
)


async def payload_brand(session: AsyncSession, payload: Payload) -> str | None:
    return str(payload["brand_id"])


async def run_brand(session: AsyncSession, payload: Payload) -> str | None:
    """A payout belongs to a brand's settlement run; a platform-wide run's payout (it may add up
    several brands' commission) is no one brand's business, so it is not sent."""
    run = await session.get(SettlementRun, payload["run_id"])
    return run.brand_id if run is not None else None


@dataclass(frozen=True, slots=True)
class Route:
    name: str | Callable[[Payload], str | None]  # the webhook event, or a function of the payload
    order_key: str  # the payload field whose value orders deliveries (a later event waits)
    brand: BrandOf = payload_brand

    def event_name(self, payload: Payload) -> str | None:
        return self.name if isinstance(self.name, str) else self.name(payload)


def session_state(payload: Payload) -> str | None:
    return {"live": "session.live", "ended": "session.ended"}.get(str(payload["state"]))


ROUTES: dict[str, Route] = {
    "OrderPaid": Route("order.paid", "order_id"),
    "OrderRefunded": Route("order.refunded", "order_id"),
    "PayoutSent": Route("payout.sent", "payout_id", run_brand),
    "SessionStateChanged": Route(session_state, "session_id"),
    "OrderShipped": Route("order.shipped", "order_id"),
    "OrderDelivered": Route("order.delivered", "order_id"),
    "OrderCompleted": Route("order.completed", "order_id"),
    "AftersaleRequested": Route("aftersale.requested", "order_id"),
    "AftersaleDecided": Route("aftersale.decided", "order_id"),
}
