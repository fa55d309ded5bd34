"""The app's abuse limits: which action allows how much, per visitor and per address.

Both keys must pass: the `zx_vid` cookie (one browser) and the client address, which may use
`address_factor` visitors' worth (many real buyers share one carrier NAT address, and an abuser
who throws the cookie away each time is still one address). IPv6 addresses count per /64, the
block one subscriber gets. Exempt addresses (loopback in development: the demo simulation and
load tests) are never limited. If the store is away the request passes: a Redis outage must not
stop a sale, it only lifts the limits until Redis is back."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import structlog

from server.kernel.clock import utcnow
from server.kernel.rate_limit.leases import ConnectionLeases
from server.kernel.rate_limit.limiter import RateLimiter, retry_after_s
from server.kernel.rate_limit.rates import Rate

log = structlog.get_logger("rate_limit")
STATE_KEY = "rate_limits"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Limits:
    per_visitor: Mapping[str, Rate]
    address_factor: int = 10
    sockets_per_address: int = 50
    exempt: tuple[Network, ...] = field(default_factory=tuple)


def address_key(address: str) -> str:
    """An IPv6 address counts as its /64; anything else (IPv4, a test client's name) as itself."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False).network_address) + "/64"
    return str(ip)


def is_in(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


class RateLimits:
    def __init__(
        self,
        limits: Limits,
        limiter: RateLimiter,
        leases: ConnectionLeases,
        now_s: Callable[[], float] = lambda: utcnow().timestamp(),
    ) -> None:
        self.limits, self.limiter, self.leases, self.now_s = limits, limiter, leases, now_s

    def rate(self, action: str) -> Rate:
        return self.limits.per_visitor[action]

    async def check(self, action: str, address: str, visitor: str | None) -> int:
        """0 if this hit passes, else the whole seconds to wait (the `Retry-After`)."""
        rate = self.rate(action)
        if rate.unlimited or is_in(address, self.limits.exempt):
            return 0
        now, per_address = self.now_s(), rate.times(self.limits.address_factor)
        by_address, by_visitor = f"{action}:a:{address_key(address)}", f"{action}:v:{visitor[:64]}" if visitor else ""
        try:
            # The visitor first: a browser refused on its own count does not use up its address's
            # allowance, which other buyers behind the same NAT share.
            wait = await self.limiter.hit(by_visitor, rate, now) if by_visitor else 0.0
            if not wait:
                wait = await self.limiter.hit(by_address, per_address, now)
        except Exception as exc:  # the store is away: serve, and say so once per hit in the log
            log.warning("rate limit not checked (store away?)", action=action, error=repr(exc))
            return 0
        return retry_after_s(wait) if wait else 0

    async def open_socket(self, address: str) -> str | None:
        """A lease for one more room socket from `address` ('' when not counted), None past the cap."""
        if not self.limits.sockets_per_address or is_in(address, self.limits.exempt):
            return ""
        key = f"sockets:{address_key(address)}"
        try:
            return await self.leases.acquire(key, self.limits.sockets_per_address)
        except Exception as exc:
            log.warning("socket cap not checked (store away?)", error=repr(exc))
            return ""

    async def close_socket(self, address: str, lease: str) -> None:
        if lease:
            key = f"sockets:{address_key(address)}"
            try:
                await self.leases.release(key, lease)
            except Exception as exc:  # the lease lapses by itself
                log.warning("socket lease not released", error=repr(exc))

    async def close(self) -> None:
        close = getattr(self.leases, "close", None)
        if close is not None:
            await close()


def rate_limits_of(app: Any) -> RateLimits:
    limits: RateLimits = app.state[STATE_KEY]
    return limits
