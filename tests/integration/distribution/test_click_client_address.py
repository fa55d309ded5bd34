"""The per-IP click guard counts the client the trusted-proxy rule names: visitors behind the
trusted load balancer are told apart by X-Forwarded-For; a direct client cannot dodge the guard by
inventing a new X-Forwarded-For on every click."""

from __future__ import annotations

from sqlmodel import select

from distribution.models import Click
from server.app import create_app
from tests.app_settings import make_settings
from tests.asgi_clients import from_address, running
from tests.factories_distribution import api_world

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 MicroMessenger/8.0"}


async def bot_flags(app) -> list[bool]:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        return [c.is_bot for c in (await session.exec(select(Click).order_by(Click.clicked_at))).all()]


async def test_the_click_guard_sees_the_client_behind_a_trusted_proxy_only(db_url):
    settings = make_settings(db_url, click_bot_ip_per_minute=2, trusted_proxies="10.0.0.1")
    async with running(create_app(settings)) as app, from_address(app, "10.0.0.1") as balancer:
        world = await api_world(app, balancer)
        link = f"/l/{world.link['code']}"
        # four visitors behind the balancer, each its own address: none is a bot
        for n in range(4):
            balancer.cookies.clear()
            await balancer.get(link, headers={**BROWSER, "X-Forwarded-For": f"1.1.1.1, 198.51.100.{n}"})
        async with from_address(app, "203.0.113.9") as direct:
            # one direct client claiming four addresses: still one address, the last two are bots
            for n in range(4):
                direct.cookies.clear()
                await direct.get(link, headers={**BROWSER, "X-Forwarded-For": f"192.0.2.{n}"})
        await app.state.click_flusher.drain()
        flags = await bot_flags(app)
    behind_balancer, direct = flags[:4], flags[4:]
    assert behind_balancer == [False, False, False, False] and direct == [False, False, True, True]
