"""The limits' policy on the memory adapters: rates as written, both keys, IPv6 blocks, exemptions."""

from __future__ import annotations

import ipaddress

import pytest

from server.kernel.rate_limit import (
    Limits,
    MemoryConnectionLeases,
    MemoryRateLimiter,
    Rate,
    RateLimits,
    address_key,
    parse_rate,
)


def policy(rate: str = "2/minute", factor: int = 2, sockets: int = 2, exempt: str = "") -> RateLimits:
    limits = Limits(
        per_visitor={"checkout": parse_rate(rate)},
        address_factor=factor,
        sockets_per_address=sockets,
        exempt=tuple(ipaddress.ip_network(n) for n in exempt.split(",") if n),
    )
    return RateLimits(limits, MemoryRateLimiter(), MemoryConnectionLeases(), now_s=lambda: 1000.0)


def test_rates_are_written_per_second_minute_or_hour():
    assert parse_rate("10/minute") == Rate(10, 60) and str(parse_rate(" 3 / Hour ")) == "3/hour"
    assert parse_rate("0/second").unlimited
    for bad in ("10", "ten/minute", "10/fortnight", "-1/minute"):
        with pytest.raises(ValueError, match="a rate looks like 10/minute"):
            parse_rate(bad)


async def test_one_visitor_gets_the_rate_and_one_address_the_rate_times_the_factor():
    limits = policy()
    assert [await limits.check("checkout", "1.2.3.4", "vid-a") for _ in range(3)] == [0, 0, 30]
    # fresh cookies from the same address: the address allows 2 x 2, so two more, then no
    assert await limits.check("checkout", "1.2.3.4", "vid-b") == 0
    assert await limits.check("checkout", "1.2.3.4", "vid-c") == 0
    assert await limits.check("checkout", "1.2.3.4", "vid-d") > 0
    assert await limits.check("checkout", "1.2.3.4", None) > 0
    assert await limits.check("checkout", "5.6.7.8", None) == 0  # another address is served


async def test_an_ipv6_subscriber_counts_as_its_64_block():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("::ffff:1.2.3.4") == "1.2.3.4" and address_key("testclient") == "testclient"
    limits = policy(rate="1/minute", factor=1)
    assert await limits.check("checkout", "2001:db8:1:2::1", None) == 0
    assert await limits.check("checkout", "2001:db8:1:2::77", None) > 0


async def test_exempt_addresses_and_unlimited_rates_are_never_refused():
    limits = policy(rate="1/minute", factor=1, exempt="127.0.0.0/8")
    assert all([await limits.check("checkout", "127.0.0.1", None) == 0 for _ in range(10)])
    unlimited = policy(rate="0/minute")
    assert all([await unlimited.check("checkout", "1.2.3.4", None) == 0 for _ in range(10)])


async def test_socket_leases_per_address():
    limits = policy(sockets=2)
    first, second = await limits.open_socket("1.2.3.4"), await limits.open_socket("1.2.3.4")
    assert first and second and await limits.open_socket("1.2.3.4") is None
    await limits.close_socket("1.2.3.4", first)
    assert await limits.open_socket("1.2.3.4")
    assert await policy(sockets=0).open_socket("1.2.3.4") == ""  # no cap: nothing counted


class BrokenLimiter:
    async def hit(self, key: str, rate: Rate, now_s: float) -> float:
        raise ConnectionError("redis away")


async def test_a_store_that_is_away_lets_the_sale_go_on():
    limits = RateLimits(Limits({"checkout": Rate(1, 60)}, 1), BrokenLimiter(), MemoryConnectionLeases())
    assert [await limits.check("checkout", "1.2.3.4", None) for _ in range(3)] == [0, 0, 0]


async def test_the_memory_limiter_forgets_full_buckets_when_it_grows(monkeypatch):
    monkeypatch.setattr("server.kernel.rate_limit.limiter.MEMORY_SWEEP_AT", 10)
    limiter = MemoryRateLimiter()
    limiter.sweep_at = 10
    for n in range(10):
        await limiter.hit(f"1.2.3.{n}", Rate(1, 60), 1000.0)
    # an hour later the old buckets are full again: the next hit sweeps them away
    await limiter.hit("5.6.7.8", Rate(1, 60), 4600.0)
    assert list(limiter.arrivals) == ["5.6.7.8"]
