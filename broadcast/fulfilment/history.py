"""After-sales steps in the order's history (`order_events`), beside its state changes."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout import states as order_states
from broadcast.checkout.models import Order
from broadcast.fulfilment.models import Aftersale


def note(session: AsyncSession, order: Order, reason: str, aftersale: Aftersale) -> None:
    order_states.note(
        session,
        order,
        reason,
        {"track": "aftersale", "aftersale_id": aftersale.id, "kind": aftersale.kind, "state": aftersale.state},
    )
