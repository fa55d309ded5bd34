"""Stripe Connect through the real `stripe` SDK: connected accounts, account links, transfers.

Money leaves in the currency's minor units, which are Stripe's amount units. A transfer's result is
one of: sent (a transfer id), refused (a definitive 4xx from Stripe: the payout fails and its money
goes back to available), or unknown (network error, 5xx, rate limit, idempotency conflict: the
payout stays in flight and the next run retries it with the same idempotency key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import stripe

from server.kernel.problems import ServiceUnavailable

DEFINITIVE = (stripe.CardError, stripe.InvalidRequestError, stripe.PermissionError)


class ConnectSettings(Protocol):
    """What the gateway reads of the app's settings (the composition root passes its own)."""

    @property
    def stripe_api_key(self) -> str | None: ...
    @property
    def stripe_api_base(self) -> str | None: ...
    @property
    def stripe_connect_api_base(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    payout_id: str
    transfer_id: str | None = None
    amount_minor: int | None = None
    refused: str | None = None  # a definitive refusal: the reason shown to finance
    unknown: str | None = None  # try again later with the same idempotency key


class ConnectGateway:
    def __init__(self, settings: ConnectSettings, *, timeout_s: float = 20.0) -> None:
        if not settings.stripe_api_key:
            raise ServiceUnavailable(
                "Stripe is not configured: set STRIPE_API_KEY (and STRIPE_CONNECT_API_BASE "
                "or STRIPE_API_BASE for a test server)"
            )
        base = settings.stripe_connect_api_base or settings.stripe_api_base
        self.client = stripe.StripeClient(
            settings.stripe_api_key,
            base_addresses={"api": base} if base else None,
            max_network_retries=1,
            http_client=stripe.HTTPXClient(timeout=timeout_s),
        )

    async def create_account(self, partner_id: str, country: str | None, email: str | None) -> str:
        params: dict[str, Any] = {
            "type": "express",
            "metadata": {"partner_id": partner_id},
            "capabilities": {"transfers": {"requested": True}},
        }
        if country:
            params["country"] = country
        if email:
            params["email"] = email
        account = await self.client.v1.accounts.create_async(
            params,  # type: ignore[arg-type]
            {"idempotency_key": f"account:{partner_id}"},
        )
        return str(account.id)

    async def account_link(self, account_id: str, refresh_url: str, return_url: str) -> tuple[str, int]:
        link = await self.client.v1.account_links.create_async(
            {"account": account_id, "refresh_url": refresh_url, "return_url": return_url, "type": "account_onboarding"}
        )
        return str(link.url), int(link.expires_at)

    async def transfer(
        self, payout_id: str, amount_minor: int, currency: str, destination: str, transfer_group: str, partner_id: str
    ) -> TransferOutcome:
        params: dict[str, Any] = {
            "amount": amount_minor,
            "currency": currency.lower(),
            "destination": destination,
            "transfer_group": transfer_group,
            "metadata": {"payout_id": payout_id, "partner_id": partner_id},
        }
        try:
            transfer = await self.client.v1.transfers.create_async(
                params,  # type: ignore[arg-type]
                {"idempotency_key": payout_id},
            )
        except DEFINITIVE as exc:
            return TransferOutcome(payout_id, refused=_reason(exc))
        except stripe.StripeError as exc:
            return TransferOutcome(payout_id, unknown=_reason(exc))
        return TransferOutcome(payout_id, transfer_id=str(transfer.id), amount_minor=int(transfer.amount))

    async def list_transfers(self, created_gte: int, created_lt: int) -> list[dict[str, Any]]:
        """Every transfer created in [gte, lt), following Stripe's cursor pagination."""
        found: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 100, "created": {"gte": created_gte, "lt": created_lt}}
        while True:
            page = await self.client.v1.transfers.list_async(params)  # type: ignore[arg-type]
            found.extend(t.to_dict() for t in page.data)
            if not page.has_more or not page.data:
                return found
            params["starting_after"] = page.data[-1].id


def _reason(exc: stripe.StripeError) -> str:
    code = getattr(exc, "code", None)
    message = exc.user_message or str(exc) or type(exc).__name__
    return (f"{code}: {message}" if code else message)[:300]
