"""The trusted-proxy rule: X-Forwarded-For is believed only from a trusted peer, read from the right."""

from __future__ import annotations

from typing import Any

import pytest

from server.kernel.client_address import AddressList, client_address, trusted_client_address

LB = AddressList.parse("10.0.0.0/8, 192.168.1.7")


def test_an_untrusted_peer_is_the_client_whatever_it_forwards():
    assert LB.client_of("203.0.113.9", ["198.51.100.1"]) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client():
    # the client wrote "1.1.1.1" itself; the load balancer appended the address it saw
    assert LB.client_of("10.0.0.5", ["1.1.1.1, 203.0.113.9"]) == "203.0.113.9"
    # two trusted proxies in a row are skipped; several header lines read as one list
    assert LB.client_of("10.0.0.5", ["1.1.1.1, 203.0.113.9", "192.168.1.7, 10.2.3.4"]) == "203.0.113.9"


def test_ports_brackets_and_mapped_addresses_are_read_as_addresses():
    assert LB.client_of("10.0.0.5", ["203.0.113.9:5555"]) == "203.0.113.9"
    assert LB.client_of("10.0.0.5", ["[2001:db8::1]:443"]) == "2001:db8::1"
    assert LB.contains("::ffff:10.1.2.3")


def test_a_trusted_peer_without_the_header_or_with_only_trusted_hops():
    assert LB.client_of("10.0.0.5", []) == "10.0.0.5"
    assert LB.client_of("10.0.0.5", ["10.9.9.9, 10.0.0.7"]) == "10.9.9.9"


def test_names_that_are_not_addresses_are_never_trusted():
    assert not LB.contains("testclient") and not LB.contains("")
    with pytest.raises(ValueError, match="not an IP address or CIDR"):
        AddressList.parse("10.0.0.0/8, lb.internal")


async def _seen(proxies: AddressList, peer: str, headers: list[tuple[bytes, bytes]], kind: str = "http") -> Any:
    seen: dict[str, Any] = {}

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.update(scope)

    scope = {"type": kind, "client": (peer, 4321), "scheme": "http", "headers": headers}
    await trusted_client_address(inner, proxies)(scope, None, None)  # type: ignore[arg-type]
    return seen


async def test_the_asgi_layer_rewrites_client_and_scheme_from_a_trusted_proxy_only():
    forwarded = [(b"x-forwarded-for", b"1.1.1.1, 203.0.113.9"), (b"x-forwarded-proto", b"https")]
    trusted = await _seen(LB, "10.0.0.5", forwarded)
    assert client_address(trusted) == "203.0.113.9" and trusted["scheme"] == "https"
    socket = await _seen(LB, "10.0.0.5", forwarded, kind="websocket")
    assert client_address(socket) == "203.0.113.9" and socket["scheme"] == "wss"
    spoofed = await _seen(LB, "203.0.113.50", forwarded)
    assert client_address(spoofed) == "203.0.113.50" and spoofed["scheme"] == "http"
    assert client_address({}) == "unknown"
