"""The payment provider port and its Stripe adapter (the real `stripe` SDK, async over httpx).

Money crosses here only: integer minor units stay integers, the currency is lower-cased for
Stripe at the call and nowhere else. Every write carries an idempotency key derived from our own
ids, so a retried call cannot charge or refund twice at a real Stripe."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import stripe

from server.kernel.problems import Problem, ServiceUnavailable

TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}
DISABLED = "payments disabled: set STRIPE_API_KEY (and STRIPE_API_BASE for a Stripe test server such as localstripe)"


RETRY_AFTER_S = 5


class PaymentProviderError(Problem):
    status_code, slug, title = 502, "payment-provider-error", "The payment provider refused or failed"


class PaymentProviderUnavailable(PaymentProviderError):
    """Stripe could not be reached or failed on its side (network, 5xx, rate limit): the same
    request may succeed in a moment, so callers keep their state and answer 503 with Retry-After."""

    status_code, slug, title = 503, "payment-provider-unavailable", "The payment provider is unavailable"

    def __init__(self, detail: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(detail, extra=extra, headers={"Retry-After": str(RETRY_AFTER_S)})


# The SDK's errors that say "not now" rather than "no": worth retrying with the same idempotency key.
TRANSIENT = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)


@dataclass(frozen=True)
class Intent:
    id: str
    status: str
    client_secret: str | None
    amount_minor: int
    currency: str  # upper-case, as everywhere in Zhixiang
    amount_received_minor: int = 0
    order_id: str | None = None  # from the intent's metadata
    payment_error: str | None = None  # `last_payment_error.code`: the last attempt to pay failed


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str
    amount_minor: int
    currency: str


@runtime_checkable
class PaymentGateway(Protocol):
    test_payments: bool

    async def create_intent(self, order_id: str, amount_minor: int, currency: str) -> Intent: ...
    async def retrieve_intent(self, intent_id: str) -> Intent: ...
    async def cancel_intent(self, intent_id: str) -> Intent: ...
    async def refund(
        self, intent_id: str, amount_minor: int, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundResult: ...
    async def list_refunds(self, intent_id: str) -> list[dict[str, Any]]: ...
    async def confirm_with_test_card(self, intent_id: str) -> Intent: ...


def intent_params(order_id: str, amount_minor: int, currency: str, *, automatic_methods: bool) -> dict[str, Any]:
    params: dict[str, Any] = {"amount": amount_minor, "currency": currency.lower(), "metadata": {"order_id": order_id}}
    if automatic_methods:
        params["automatic_payment_methods"] = {"enabled": True}
    return params


def _intent(resource: Any) -> Intent:
    obj = resource.to_dict()
    return Intent(
        id=obj["id"],
        status=obj["status"],
        client_secret=obj.get("client_secret"),
        amount_minor=int(obj["amount"]),
        currency=str(obj["currency"]).upper(),
        amount_received_minor=int(obj.get("amount_received") or 0),
        order_id=(obj.get("metadata") or {}).get("order_id"),
        payment_error=_error_code(obj.get("last_payment_error")),
    )


def _error_code(error: Any) -> str | None:
    if not error:
        return None
    return str(error.get("code") or error.get("type") or "payment_error") if isinstance(error, dict) else str(error)


class StripeGateway:
    def __init__(self, api_key: str, api_base: str | None = None, test_payments: bool = False) -> None:
        bases = {"api": api_base} if api_base else None
        self.http = stripe.HTTPXClient()
        self.client = stripe.StripeClient(
            api_key,
            base_addresses=bases,  # type: ignore[arg-type]
            http_client=self.http,
            max_network_retries=2,
        )
        # Confirming with a raw test card is for Stripe test servers only: never with a live key.
        self.test_payments = test_payments and api_key.startswith("sk_test_")
        # Stripe itself (no API base override) lets the Payment Element offer what the shop enabled in
        # its Dashboard; a loopback test server (localstripe) refuses the parameter, and its intents
        # are confirmed server-side with a card anyway.
        self.automatic_methods = api_base is None

    async def create_intent(self, order_id: str, amount_minor: int, currency: str) -> Intent:
        params: Any = intent_params(order_id, amount_minor, currency, automatic_methods=self.automatic_methods)
        return _intent(
            await self._call(
                self.client.v1.payment_intents.create_async(
                    params=params, options={"idempotency_key": f"order-{order_id}-intent"}
                )
            )
        )

    async def retrieve_intent(self, intent_id: str) -> Intent:
        return _intent(await self._call(self.client.v1.payment_intents.retrieve_async(intent_id)))

    async def cancel_intent(self, intent_id: str) -> Intent:
        return _intent(await self._call(self.client.v1.payment_intents.cancel_async(intent_id)))

    async def refund(
        self, intent_id: str, amount_minor: int, idempotency_key: str, metadata: dict[str, str]
    ) -> RefundResult:
        params: Any = {"payment_intent": intent_id, "amount": amount_minor, "metadata": metadata}
        obj = await self._call(
            self.client.v1.refunds.create_async(params=params, options={"idempotency_key": idempotency_key})
        )
        return RefundResult(
            id=obj["id"], status=obj["status"], amount_minor=int(obj["amount"]), currency=str(obj["currency"]).upper()
        )

    async def list_refunds(self, intent_id: str) -> list[dict[str, Any]]:
        """The intent's refunds as Stripe's objects (a `charge.refunded` event no longer carries them)."""
        page = await self._call(self.client.v1.refunds.list_async(params={"payment_intent": intent_id, "limit": 100}))
        return [obj.to_dict() if hasattr(obj, "to_dict") else dict(obj) for obj in page["data"]]

    async def confirm_with_test_card(self, intent_id: str) -> Intent:
        """TEST MODE ONLY: what Stripe.js does in a browser, done server-side with a test card, for a
        Stripe test server without Stripe.js (localstripe). Never enabled with a live key."""
        if not self.test_payments:
            raise ServiceUnavailable("test payments are off: they need an sk_test_ key and STRIPE_TEST_PAYMENTS=1")
        method: Any = {"type": "card", "card": dict(TEST_CARD)}
        pm = await self._call(self.client.v1.payment_methods.create_async(params=method))
        await self._call(self.client.v1.payment_intents.update_async(intent_id, params={"payment_method": pm["id"]}))
        return _intent(await self._call(self.client.v1.payment_intents.confirm_async(intent_id)))

    async def aclose(self) -> None:
        await self.http.close_async()  # type: ignore[no-untyped-call]

    @staticmethod
    async def _call(pending: Any) -> Any:
        try:
            return await pending
        except TRANSIENT as exc:
            raise PaymentProviderUnavailable(
                f"Stripe: {exc.user_message or type(exc).__name__}", extra={"stripe_code": getattr(exc, "code", None)}
            ) from exc
        except stripe.StripeError as exc:
            raise PaymentProviderError(
                f"Stripe: {exc.user_message or type(exc).__name__}", extra={"stripe_code": getattr(exc, "code", None)}
            ) from exc
