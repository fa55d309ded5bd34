"""Settings from the environment (and an optional `.env`), validated once at start-up."""

from __future__ import annotations

import math
import secrets
from collections import Counter
from functools import lru_cache
from pathlib import Path

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from server.kernel.client_address import AddressList
from server.kernel.egress import LOOPBACK_ALLOW, EgressPolicy
from server.kernel.rate_limit import Limits
from server.rate_limit_settings import LIMITED_ACTIONS, RateLimitSettings, networks_or_loopback  # noqa: F401 - LIMITED_ACTIONS re-exported

DEFAULT_SQLITE = "sqlite:///./var/zhixiang.db"
ENVIRONMENTS = ("development", "test", "production")
# A production SECRET_KEY signs tokens and cookies: at least this long, and at least this many bits
# by a per-character (Shannon) estimate; `openssl rand -hex 32` gives 64 characters, ~250 bits.
PRODUCTION_SECRET_MIN_LENGTH = 32
PRODUCTION_SECRET_MIN_BITS = 96


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class Settings(RateLimitSettings, BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    database_url: str = DEFAULT_SQLITE
    redis_url: str | None = None
    # Namespaces every Redis key and channel so several deployments (or test runs) share a server.
    redis_namespace: str = "zx"
    stripe_api_key: str | None = None
    stripe_api_base: str | None = None
    stripe_connect_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    # The buyer's pages load Stripe.js with it (the Payment Element); its mode must match the secret key's.
    stripe_publishable_key: str | None = None
    secret_key: str = Field(default="", min_length=0)
    public_base_url: str = "http://127.0.0.1:8000"
    environment: str = "development"
    log_level: str = "INFO"
    outbox_poll_interval_ms: int = 200
    # A failing outbox consumer is retried after base × 2^(n-1) seconds (capped, +0–25 % jitter),
    # and becomes a dead letter after this many attempts (`zhixiang outbox dead` lists them).
    outbox_max_attempts: int = Field(default=10, ge=1, le=100)
    outbox_backoff_base_s: float = Field(default=2, gt=0, le=3600)
    outbox_backoff_cap_s: float = Field(default=600, gt=0, le=86400)
    # Database connections: each worker holds at most pool + overflow (its budget), so
    # `workers x budget` must fit the server's max_connections with room for migrations and reports
    # ((5 + 5) x 8 workers = 80 of a stock 100). 0 = no pool (a connection per use): for external
    # poolers such as PgBouncer, and the tests. Every wait is bounded, so a database that is away
    # costs a request at most pool timeout + connect timeout, then a 503 (never a hang).
    db_pool_size: int = Field(default=5, ge=0, le=200)
    db_max_overflow: int = Field(default=5, ge=0, le=200)
    db_pool_timeout_s: float = Field(default=3.0, gt=0, le=60)
    db_connect_timeout_s: float = Field(default=2.0, gt=0, le=60)
    # PostgreSQL's statement_timeout (0 = none); the client gives up a second later if the server
    # does not answer at all (a dead route), so a connection never waits forever.
    db_statement_timeout_ms: int = Field(default=10_000, ge=0)
    db_pool_recycle_s: int = Field(default=1800, ge=60)
    # Tracked links (distribution): the same visitor on the same link counts once per window;
    # more clicks than this per minute from one IP are marked as bots (0 = off, e.g. behind a
    # proxy that hides client addresses); clicks are queued per worker and written every flush
    # interval (a clean shutdown writes them all; a crash loses at most one interval).
    click_dedupe_seconds: int = Field(default=3600, ge=1)
    click_bot_ip_per_minute: int = Field(default=120, ge=0)
    click_flush_interval_ms: int = Field(default=100, ge=10)
    link_cache_seconds: float = Field(default=10.0, ge=0)
    # Self-referral checks read a phone number typed without a country code as a number of this
    # region (ISO 3166 alpha-2), so "138 0013 8000" and "+86 13800138000" are the same person.
    phone_default_region: str = Field(default="CN", pattern=r"^[A-Z]{2}$")
    # Checkout: how long an unpaid order holds its stock, how often lapsed holds are swept (0 = never;
    # reads still expire them), and how long a paid order keeps the buyer's contact and address.
    order_reservation_minutes: float = Field(default=10, gt=0, le=24 * 60)
    order_sweep_interval_s: float = Field(default=30, ge=0)
    order_personal_data_days: int = Field(default=90, ge=0, le=3650)
    # After the sale: how often automatic delivery, completion and after-sales approval run (0 = never).
    fulfilment_sweep_interval_s: float = Field(default=30, ge=0)
    # The weekday finance settles on (0 = Monday … 6 = Sunday; `zhixiang settle` from its scheduler):
    # the partner console shows it as the next payout date. It schedules nothing by itself.
    payout_weekday: int = Field(default=0, ge=0, le=6)
    # Open unpaid orders (stock holds, group-buy seats included) one client address — and one
    # visitor — may keep per session; past it checkout answers 409 holds-exhausted (0 = no cap).
    # Buyers behind one NAT share an address: raise it where many pay from one network.
    unpaid_holds_per_client: int = Field(default=3, ge=0, le=10_000)
    # Payments whose webhook never came: every `payment_reconcile_interval_s` (0 = off), ask Stripe about
    # at most `payment_reconcile_batch` orders still unpaid `payment_reconcile_after_s` after checkout.
    payment_reconcile_interval_s: float = Field(default=60, ge=0)
    payment_reconcile_after_s: float = Field(default=300, gt=0)
    payment_reconcile_batch: int = Field(default=20, ge=1, le=1000)
    # The stock gate (Redis, or memory with one worker) is compared with the database this often (0 = off).
    stock_gate_reconcile_interval_s: float = Field(default=5, ge=0)
    # Group-buy: how often groups are swept (lapsed seats back, due groups filled or expired and refunded; 0 = never).
    group_sweep_interval_s: float = Field(default=15, ge=0)
    # The live dashboard: how often each worker samples a live room's counters into its minute (0 = off).
    dashboard_sample_interval_s: float = Field(default=5, ge=0)
    # Test mode only: lets the checkout page confirm a PaymentIntent server-side with a test card
    # (no Stripe.js against a local Stripe test server). Refused with a live key or in production.
    stripe_test_payments: bool = False
    # Pre-live reminders: how often due notifications are delivered (0 = off; tests call deliver_due),
    # attempts before one is marked failed, and how long an undelivered contact outlives its session.
    reminder_delivery_interval_s: float = Field(default=5, ge=0)
    reminder_max_attempts: int = Field(default=8, ge=1, le=30)
    reminder_personal_data_days: int = Field(default=7, ge=0, le=365)
    # Double opt-in: a new contact is sent a confirmation link (HMAC-signed with SECRET_KEY, single
    # use) valid this long; one client address may ask for at most this many an hour (0 = no cap;
    # past it: 429 with Retry-After) — each is a message the brand's system sends.
    reminder_confirm_hours: float = Field(default=24, gt=0, le=24 * 30)
    reminder_subscriptions_per_client_per_hour: int = Field(default=5, ge=0, le=10_000)
    # Outbound requests to customer-given URLs (brand webhooks) never reach loopback, private,
    # link-local, multicast, reserved or metadata addresses, except the CIDRs and host names listed
    # here (comma-separated). Unset: none in production; loopback in development and test.
    egress_allow: str | None = None
    # Order webhooks: how often due deliveries are sent (0 = off; tests call deliver_due), and how
    # many failed attempts in a row disable an endpoint (about three days of backoff at 20).
    webhook_delivery_interval_s: float = Field(default=2, ge=0)
    webhook_disable_after_failures: int = Field(default=20, ge=1, le=1000)
    # Abuse limits (RATE_LIMIT_*, ROOM_SOCKETS_PER_ADDRESS): server/rate_limit_settings.py.
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (IPs or CIDRs, comma-separated).
    # Unset: loopback outside production, none in production; set it to your load balancer's addresses.
    trusted_proxies: str | None = None
    # /metrics is served to `Authorization: Bearer METRICS_TOKEN` or to clients in METRICS_ALLOW
    # (CIDRs); unset allow-list: loopback outside production, nobody in production.
    metrics_token: str | None = None
    metrics_allow: str | None = None

    @field_validator("environment", mode="before")
    @classmethod
    def _known_environment(cls, value: object) -> str:
        """' Production' is production (case and spaces normalised); a typo is refused, never
        taken silently for development."""
        name = str(value).strip().lower()
        if name not in ENVIRONMENTS:
            raise ValueError(f"must be one of {', '.join(ENVIRONMENTS)} (got {str(value)[:40]!r})")
        return name

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres")):
            raise ValueError("DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _known_redis(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @field_validator("trusted_proxies", "metrics_allow")
    @classmethod
    def _networks(cls, value: str | None) -> str | None:
        if value is not None:
            AddressList.parse(value)
        return value

    @field_validator("public_base_url")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must start with http:// or https://")
        return value.rstrip("/")

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def egress_policy(self) -> EgressPolicy:
        if self.egress_allow is None:
            return EgressPolicy() if self.is_production else EgressPolicy.parse(LOOPBACK_ALLOW)
        return EgressPolicy.parse(self.egress_allow.split(","))

    @property
    def proxies(self) -> AddressList:
        return networks_or_loopback(self.trusted_proxies, self.is_production)

    @property
    def metrics_allowed(self) -> AddressList:
        return networks_or_loopback(self.metrics_allow, self.is_production)

    @property
    def limits(self) -> Limits:
        return self.limits_for(self.is_production)

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith("postgres")

    @property
    def db_connection_budget(self) -> int:
        """The most connections one worker opens at once (pool + overflow; 0 pool = unpooled)."""
        return self.db_pool_size + self.db_max_overflow if self.db_pool_size else 0


def estimated_bits(secret: str) -> float:
    """Length × the Shannon entropy of its characters: low for 'changeme…' or one repeated letter."""
    counts = Counter(secret)
    per_char = -sum(n / len(secret) * math.log2(n / len(secret)) for n in counts.values())
    return per_char * len(secret)


def _check_production_secret(secret: str) -> None:
    if len(secret) < PRODUCTION_SECRET_MIN_LENGTH:
        raise SettingsError(
            f"SECRET_KEY is too short for production: use at least {PRODUCTION_SECRET_MIN_LENGTH} random"
            " characters (e.g. `openssl rand -hex 32`)"
        )
    if estimated_bits(secret) < PRODUCTION_SECRET_MIN_BITS:
        raise SettingsError("SECRET_KEY looks guessable (too few distinct characters): use `openssl rand -hex 32`")


def _ensure_secret(settings: Settings) -> Settings:
    """A production deployment must bring its own secret; development gets a stable local one."""
    if settings.secret_key:
        if len(settings.secret_key) < 16:
            raise SettingsError("SECRET_KEY is too short: use at least 16 random characters")
        if settings.is_production:
            _check_production_secret(settings.secret_key)
        return settings
    if settings.is_production:
        raise SettingsError("SECRET_KEY is required when ENVIRONMENT=production (e.g. `openssl rand -hex 32`)")
    key_file = Path("var/secret_key")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    return settings.model_copy(update={"secret_key": key_file.read_text().strip()})


def _stripe_mode(key: str, *prefixes: str) -> str | None:
    """'live' or 'test' from a Stripe key's prefix (e.g. `sk_live_…` with prefixes "sk", "rk")."""
    for mode in ("live", "test"):
        if key.startswith(tuple(f"{prefix}_{mode}_" for prefix in prefixes)):
            return mode
    return None


def _check_stripe_keys(settings: Settings) -> Settings:
    """A live secret key with a test publishable key (or none) would take orders no buyer can pay,
    and the reverse would show a test form against live charges: refuse to start either way."""
    secret, public = settings.stripe_api_key or "", settings.stripe_publishable_key or ""
    secret_mode = _stripe_mode(secret, "sk", "rk")  # restricted keys count as secret ones
    public_mode = _stripe_mode(public, "pk")
    if public and public_mode is None:
        raise SettingsError("STRIPE_PUBLISHABLE_KEY must start with pk_live_ or pk_test_")
    if secret_mode == "live" and public_mode != "live":
        raise SettingsError("STRIPE_PUBLISHABLE_KEY: a live STRIPE_API_KEY needs a live publishable key (pk_live_)")
    if public_mode and secret_mode and public_mode != secret_mode:
        raise SettingsError(
            f"STRIPE_PUBLISHABLE_KEY is a {public_mode} key but STRIPE_API_KEY is a {secret_mode} one: use one mode"
        )
    return settings


def load_settings(**overrides: object) -> Settings:
    """Read and validate settings; raise SettingsError with one readable line on failure."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "setting"
        raise SettingsError(f"{name}: {first['msg']}") from None
    return _check_stripe_keys(_ensure_secret(settings))


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
