"""One module per Stripe event type. Each `handle(session, ctx, intent)` changes the database in
the webhook's transaction and returns a `Handled` (the outcome, and work to do after the commit —
calls to Stripe never run inside a database transaction)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from broadcast.checkout.gateway import PaymentGateway

AfterCommit = Callable[[], Awaitable[None]]


@dataclass
class Context:
    gateway: PaymentGateway | None
    maker: Any  # async_sessionmaker, for work after the commit
    secret_key: str  # the app's: attribution verifies the `zx_attr` cookie and keys binding contacts with it
    phone_region: str  # where attribution reads a phone number without a country code

    @classmethod
    def of_app(cls, state: Any, gateway: PaymentGateway | None) -> Context:
        settings = state.settings
        return cls(gateway, state.sessionmaker, settings.secret_key, settings.phone_default_region)


@dataclass
class Handled:
    outcome: str
    after_commit: list[AfterCommit] = field(default_factory=list)


def intent_fields(intent: dict[str, Any]) -> tuple[str, str | None, int, str]:
    """(intent id, our order id from metadata, amount in minor units, upper-case currency)."""
    metadata = intent.get("metadata") or {}
    return (
        str(intent["id"]),
        metadata.get("order_id"),
        int(intent.get("amount_received") or intent["amount"]),
        str(intent["currency"]).upper(),
    )
