"""The abuse-limit part of the settings (README "Security"), mixed into `server.settings.Settings`:
the per-visitor rates of public writes, the address factor, the room socket cap and the exempt
networks, checked at start-up and turned into the `Limits` the guards enforce."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings

from server.kernel.client_address import LOOPBACK, AddressList
from server.kernel.rate_limit import Limits, parse_rate

LIMITED_ACTIONS = ("checkout", "cart", "coupon_claim", "lottery_entry", "reminder", "comment", "signin")


def networks_or_loopback(value: str | None, production: bool) -> AddressList:
    """A list of CIDRs; unset means loopback outside production and nothing in production."""
    if value is None:
        return AddressList() if production else AddressList.parse(LOOPBACK)
    return AddressList.parse(value)


class RateLimitSettings(BaseSettings):
    # Abuse limits on public writes: each rate is per visitor (`zx_vid` cookie), and one client
    # address may use RATE_LIMIT_ADDRESS_FACTOR visitors' worth (a carrier NAT puts many real buyers
    # behind one address). `N/second|minute|hour`; `0/minute` = no limit. Over it: 429 with
    # Retry-After (a room comment: an error frame). Far above what a real buyer does.
    rate_limit_checkout: str = "10/minute"  # checkout, and opening or joining a group-buy
    rate_limit_cart: str = "120/minute"
    rate_limit_coupon_claim: str = "30/minute"
    rate_limit_lottery_entry: str = "10/minute"
    rate_limit_reminder: str = "5/minute"
    rate_limit_comment: str = "30/minute"  # on top of the room's 3 per 10 s per viewer and session
    rate_limit_signin: str = "10/minute"
    rate_limit_address_factor: int = Field(default=20, ge=1, le=10_000)
    # Live-room sockets one address may hold open at once (0 = no cap).
    room_sockets_per_address: int = Field(default=60, ge=0)
    # Addresses never limited (CIDRs). Unset: loopback outside production (demo, load tests), none in production.
    rate_limit_exempt: str | None = None

    @field_validator(*(f"rate_limit_{action}" for action in LIMITED_ACTIONS))
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("rate_limit_exempt")
    @classmethod
    def _exempt_networks(cls, value: str | None) -> str | None:
        if value is not None:
            AddressList.parse(value)
        return value

    def limits_for(self, production: bool) -> Limits:
        return Limits(
            per_visitor={action: parse_rate(getattr(self, f"rate_limit_{action}")) for action in LIMITED_ACTIONS},
            address_factor=self.rate_limit_address_factor,
            sockets_per_address=self.room_sockets_per_address,
            exempt=networks_or_loopback(self.rate_limit_exempt, production).networks,
        )
