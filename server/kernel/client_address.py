"""Who the client is — one rule, applied by the app itself, so uvicorn, Granian and the test client
all see the same address.

The peer of the TCP connection is the client, unless that peer is a trusted proxy (the
`TRUSTED_PROXIES` setting): then `X-Forwarded-For` is read from the right, skipping the trusted
proxies' own hops, and the first hop that is not one of them is the client. Everything to its left
was written by the client and is ignored, so a client cannot choose its own address by sending the
header. A trusted proxy's `X-Forwarded-Proto` sets the scheme too. The wrapper rewrites the ASGI
scope's `client` before anything reads it (the tracked redirect, the rate limits, the socket cap)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from litestar.types import ASGIApp, Receive, Send

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.0/8,::1/128"
SCHEMES = {"http": {"http": "http", "https": "https"}, "websocket": {"http": "ws", "https": "wss"}}


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:  # `[v6]:port`
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # `v4:port`
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip


@dataclass(frozen=True)
class AddressList:
    """IPs and CIDRs: the trusted proxies, the metrics allow-list, the addresses never rate limited."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, text: str) -> AddressList:
        """Comma-separated IPs and CIDRs (`10.0.0.0/8, 192.168.1.7`); ValueError names a bad one."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        try:
            return cls(tuple(ipaddress.ip_network(part, strict=False) for part in parts))
        except ValueError as exc:
            raise ValueError(f"not an IP address or CIDR: {exc}") from None

    def contains(self, address: str) -> bool:
        ip = _ip(address)
        return ip is not None and any(ip in network for network in self.networks)

    def client_of(self, peer: str, forwarded_for: Iterable[str]) -> str:
        """The client behind `peer` given the X-Forwarded-For header values, in order."""
        if not self.contains(peer):
            return peer
        hops = [hop.strip() for value in forwarded_for for hop in value.split(",") if hop.strip()]
        for hop in reversed(hops):
            if not self.contains(hop):
                ip = _ip(hop)
                return str(ip) if ip is not None else hop[:64]
        return str(_ip(hops[0]) or peer) if hops else peer  # every hop is ours: the first one


def client_address(scope_or_connection: Any) -> str:
    """The client's address (after `trusted_client_address` has rewritten the scope), from an ASGI
    scope or a Litestar request/socket."""
    scope = getattr(scope_or_connection, "scope", scope_or_connection)
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _forwarded(scope: Any, proxies: AddressList, peer: str) -> Any:
    forwarded_for, proto = [], None
    for name, value in scope.get("headers", ()):
        if name == b"x-forwarded-for":
            forwarded_for.append(value.decode("latin-1"))
        elif name == b"x-forwarded-proto":
            proto = value.decode("latin-1").strip().lower()
    if not forwarded_for and proto is None:
        return scope
    scope = dict(scope)
    if forwarded_for:
        scope["client"] = (proxies.client_of(peer, forwarded_for), scope["client"][1])
    scheme = SCHEMES[scope["type"]].get(proto or "")
    if scheme:
        scope["scheme"] = scheme
    return scope


def trusted_client_address(inner: ASGIApp, proxies: AddressList) -> ASGIApp:
    """The outermost layer of the app: believe forwarding headers from trusted proxies only."""

    async def app(scope: Any, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if client and scope["type"] in SCHEMES and proxies.contains(str(client[0])):
            scope = _forwarded(scope, proxies, str(client[0]))
        await inner(scope, receive, send)

    return app
