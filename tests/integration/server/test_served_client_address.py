"""On each ASGI server `zhixiang serve` offers, the app applies the same trusted-proxy rule: from a
trusted peer every X-Forwarded-For client has its own allowance; from a peer that is not trusted
the header is ignored and the peer is one client, however many addresses it claims."""

from __future__ import annotations

import httpx
import pytest

from tests.live_server import run_server

LIMIT = 2
ENTRY = "/api/v1/sessions/ses_served1/lotteries/lot_served1/entries"
PROXY, DIRECT = "127.0.0.2", "127.0.0.1"  # two loopback source addresses: one trusted, one not


def entries(base_url: str, source: str, forwarded_for: list[str]) -> list[int]:
    transport = httpx.HTTPTransport(local_address=source)
    with httpx.Client(base_url=base_url, transport=transport) as client:
        return [client.post(ENTRY, headers={"X-Forwarded-For": xff}).status_code for xff in forwarded_for]


@pytest.mark.parametrize("server_name", ["uvicorn", "granian"])
def test_forwarded_for_is_believed_from_the_trusted_peer_only(tmp_path, server_name):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.db'}",
        "ZX_SERVER": server_name,
        "TRUSTED_PROXIES": PROXY,
        "RATE_LIMIT_EXEMPT": "",
        "RATE_LIMIT_LOTTERY_ENTRY": f"{LIMIT}/minute",
        "RATE_LIMIT_ADDRESS_FACTOR": "1",
    }
    claimed = [f"198.51.100.{n}" for n in range(LIMIT + 2)]  # a new address on every request
    with run_server(env, tmp_dir=tmp_path) as server:
        through_proxy = entries(server.base_url, PROXY, claimed)
        direct = entries(server.base_url, DIRECT, claimed)
    assert 429 not in through_proxy, through_proxy  # each claimed address is its own client
    assert 429 not in direct[:LIMIT] and direct[LIMIT:] == [429, 429], direct  # all of it is one peer
