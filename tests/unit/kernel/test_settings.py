from __future__ import annotations

import pytest

from server.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"PUBLIC_BASE_URL": "example.com"}, "PUBLIC_BASE_URL"),
        ({"DB_POOL_SIZE": "-1"}, "DB_POOL_SIZE"),
        ({"DB_CONNECT_TIMEOUT_S": "0"}, "DB_CONNECT_TIMEOUT_S"),
        ({"DB_POOL_TIMEOUT_S": "never"}, "DB_POOL_TIMEOUT_S"),
        ({"DB_STATEMENT_TIMEOUT_MS": "-5"}, "DB_STATEMENT_TIMEOUT_MS"),
        ({"ENVIRONMENT": "prod"}, "ENVIRONMENT"),
        ({"ENVIRONMENT": "production-eu"}, "ENVIRONMENT"),
        ({"ENVIRONMENT": ""}, "ENVIRONMENT"),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(monkeypatch, env, name):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SettingsError) as info:
        load_settings(secret_key="x" * 32)
    message = str(info.value)
    assert message.startswith(name) and "\n" not in message


def test_production_requires_a_secret_key(monkeypatch):
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(SettingsError, match="SECRET_KEY is required"):
        load_settings()


def test_short_secret_key_is_refused():
    with pytest.raises(SettingsError, match="too short"):
        load_settings(secret_key="short")


@pytest.mark.parametrize(
    ("secret", "publishable"),
    [
        ("sk_live_abc", "pk_test_abc"),
        ("sk_live_abc", None),
        ("rk_live_abc", "pk_test_abc"),
        ("sk_test_abc", "pk_live_abc"),
        ("sk_test_abc", "publishable"),
    ],
)
def test_stripe_keys_of_different_modes_are_one_line_at_start_up(secret, publishable):
    with pytest.raises(SettingsError) as info:
        load_settings(secret_key="x" * 32, stripe_api_key=secret, stripe_publishable_key=publishable)
    message = str(info.value)
    assert message.startswith("STRIPE_PUBLISHABLE_KEY") and "\n" not in message


@pytest.mark.parametrize(
    ("secret", "publishable"),
    [
        ("sk_live_abc", "pk_live_abc"),
        ("rk_live_abc", "pk_live_abc"),
        ("sk_test_abc", "pk_test_abc"),
        ("sk_test_abc", None),
    ],
)
def test_stripe_keys_of_one_mode_are_accepted(secret, publishable):
    settings = load_settings(secret_key="x" * 32, stripe_api_key=secret, stripe_publishable_key=publishable)
    assert settings.stripe_publishable_key == publishable


@pytest.mark.parametrize("spelled", ["production", "Production", " PRODUCTION ", "production\n"])
def test_environment_case_and_spaces_are_normalised(spelled):
    settings = load_settings(environment=spelled, secret_key="0f3a9c" + "b1d2e4f5a6c7d8e9" * 3)
    assert settings.environment == "production" and settings.is_production


@pytest.mark.parametrize(
    "weak",
    ["x" * 64, "changemechangemechangemechangeme", "abababababababababababababababab", "a1" * 40, "short-but-16-chars"],
)
def test_a_guessable_or_short_secret_key_is_refused_in_production(weak):
    with pytest.raises(SettingsError, match="SECRET_KEY") as info:
        load_settings(environment="production", secret_key=weak)
    assert "\n" not in str(info.value)
    load_settings(environment="development", secret_key=weak)  # a developer's box may use anything >= 16


def test_a_random_secret_key_passes_in_production():
    import secrets

    for _ in range(50):
        assert load_settings(environment="production", secret_key=secrets.token_hex(32)).is_production
