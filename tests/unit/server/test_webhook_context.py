"""The attribution key reaches `attribute_order` as a dependency of the webhook's handlers (the app's
own settings, through `Context`), not through a module global set by whichever app started last."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import distribution.attribution.decide as decide
from distribution.attribution import attribute_order
from server.payments.handlers import Context


def app_state(secret_key: str, region: str) -> SimpleNamespace:
    return SimpleNamespace(
        settings=SimpleNamespace(secret_key=secret_key, phone_default_region=region), sessionmaker=object()
    )


def test_each_apps_webhook_context_carries_that_apps_key_and_phone_region():
    # given two apps in one process (tests, the demo) with different keys
    first, second = Context.of_app(app_state("key-one", "CN"), None), Context.of_app(app_state("key-two", "US"), None)
    # then each webhook hands attribution its own app's key, whichever app started last
    assert (first.secret_key, first.phone_region) == ("key-one", "CN")
    assert (second.secret_key, second.phone_region) == ("key-two", "US")


def test_attribution_must_be_given_the_key():
    # no hidden fallback: a caller that forgets the key fails at once instead of verifying with ""
    assert inspect.signature(attribute_order).parameters["secret_key"].default is inspect.Parameter.empty
    assert not [name for name, value in vars(decide).items() if isinstance(value, dict) and not name.startswith("__")]
