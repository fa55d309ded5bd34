"""Where the server may send a request on a customer's behalf (a brand's webhook, say).

A URL a customer typed must not reach inside: loopback, private, link-local (cloud metadata at
169.254.169.254), multicast, reserved and unspecified addresses are refused, and so are the
metadata host names, unless the operator's allow-list (`EGRESS_ALLOW`: CIDRs and host names)
names them. The rule runs twice: at save on what the URL says, and at send on every address the
name resolves to, just before connecting to one of those checked addresses (a name that resolved
to a public address at save may resolve to 127.0.0.1 later: DNS rebinding)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) → the addresses it resolves to; a seam so tests can resolve a name as they like.
Resolver = Callable[[str, int], Awaitable[list[str]]]
METADATA_NAMES = frozenset({"metadata.google.internal", "metadata", "instance-data", "metadata.azure.internal"})
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})
LOOPBACK_ALLOW = ("127.0.0.0/8", "::1/128", "localhost")


class EgressRefused(Exception):
    """The destination is inside; the message says which rule refused it."""


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _address(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def why_inside(address: IPAddress) -> str | None:
    """The class of an address a customer's URL may not reach, or None for a public one."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        return why_inside(mapped)
    for name in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return name.replace("_", "-")
    return None if address.is_global else "not public"


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    networks: tuple[Network, ...] = ()
    names: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def parse(cls, entries: Iterable[str]) -> EgressPolicy:
        """CIDRs or addresses become networks; anything else is a host name (case-insensitive)."""
        networks: list[Network] = []
        names: set[str] = set()
        for entry in (e.strip() for e in entries):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                if entry:
                    names.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(names))

    def _allowed(self, address: IPAddress) -> bool:
        return any(address.version == n.version and address in n for n in self.networks)

    def names_host(self, host: str) -> bool:
        """The allow-list names this host (by name, or as an address in a listed network)."""
        literal = _address(host)
        return self._allowed(literal) if literal is not None else host.lower().rstrip(".") in self.names

    def check_address(self, address: IPAddress) -> None:
        reason = why_inside(address)
        if reason is not None and not self._allowed(address):
            raise EgressRefused(f"{address} is a {reason} address")

    def check_host(self, host: str) -> None:
        """At save: what the URL says (an address literal, or a name known to be inside)."""
        name = host.lower().rstrip(".")
        literal = _address(name)
        if literal is not None:
            self.check_address(literal)
        elif name not in self.names and (name in METADATA_NAMES | LOOPBACK_NAMES or name.endswith(".localhost")):
            raise EgressRefused(f"{host} is an internal host name")

    async def resolve(self, host: str, port: int, resolver: Resolver = system_resolver) -> str:
        """At send: check the name and every address it resolves to; the one to connect to."""
        self.check_host(host)
        literal = _address(host)
        if literal is not None:
            return str(literal)
        addresses = [a for a in (_address(x) for x in await resolver(host, port)) if a is not None]
        if not addresses:
            raise EgressRefused(f"{host} resolves to no address")
        if host.lower().rstrip(".") not in self.names:
            for address in addresses:
                self.check_address(address)
        return str(addresses[0])
