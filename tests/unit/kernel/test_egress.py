"""The egress rule: addresses and names inside the network are refused unless allow-listed."""

from __future__ import annotations

import pytest

from server.kernel.egress import LOOPBACK_ALLOW, EgressPolicy, EgressRefused

INSIDE = [
    ("127.0.0.1", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.9", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"),
    ("240.0.0.1", "reserved"),
    ("0.0.0.0", "unspecified"),
    ("100.64.0.1", "not public"),
]


@pytest.mark.parametrize(("host", "reason"), INSIDE)
def test_each_address_class_is_refused(host, reason):
    with pytest.raises(EgressRefused, match=reason):
        EgressPolicy().check_host(host)


@pytest.mark.parametrize("host", ["localhost", "metadata.google.internal", "METADATA.google.internal.", "a.localhost"])
def test_internal_names_are_refused(host):
    with pytest.raises(EgressRefused, match="internal host name"):
        EgressPolicy().check_host(host)


@pytest.mark.parametrize("host", ["93.184.216.34", "2606:2800:220:1::1", "crm.example.com"])
def test_public_hosts_pass(host):
    EgressPolicy().check_host(host)


def test_the_allow_list_names_networks_and_hosts():
    policy = EgressPolicy.parse(["10.0.0.0/8", "relay.internal", " "])
    policy.check_host("10.9.9.9")
    policy.check_host("relay.internal")
    with pytest.raises(EgressRefused):
        policy.check_host("192.168.0.1")
    loopback = EgressPolicy.parse(LOOPBACK_ALLOW)
    loopback.check_host("127.0.0.1")
    loopback.check_host("localhost")
    with pytest.raises(EgressRefused):
        loopback.check_host("169.254.169.254")


async def test_every_resolved_address_is_checked():
    async def rebinding(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(EgressRefused, match=r"127\.0\.0\.1 is a loopback"):
        await EgressPolicy().resolve("hooks.example.com", 443, rebinding)
    assert await EgressPolicy.parse(LOOPBACK_ALLOW).resolve("hooks.example.com", 443, rebinding) == "93.184.216.34"
