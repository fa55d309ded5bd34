"""Redis goes away mid-sale (a redis-server of this test's own, killed and started again): checkout
goes on through the database alone — never a 500, never oversold — and the gate comes back by
itself, rebuilt from the database, when Redis does."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from broadcast.checkout.gate.redis import RedisStockGate
from server.app import create_app
from tests.app_settings import stripe_settings
from tests.factories_checkout import checkout, make_shop, visitor
from tests.integration.checkout.flash import audit, fill_carts
from tests.live_server import free_port
from tests.waiting import eventually_sync

REDIS_SERVER = "/usr/bin/redis-server"


@contextmanager
def own_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    args = [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for_port(port)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_port(port: int, within_s: float = 10) -> None:
    import redis

    def answers() -> bool:
        try:
            return bool(redis.Redis(port=port, socket_connect_timeout=0.2).ping())
        except redis.ConnectionError:
            return False

    eventually_sync(answers, within_s, "redis-server started")


async def gate_left(url: str, namespace: str, session_id: str) -> dict[str, int]:
    redis = Redis.from_url(url)
    try:
        return await RedisStockGate(redis, namespace).units_left(session_id)
    finally:
        await redis.aclose()


async def test_checkout_goes_on_without_redis_and_the_gate_comes_back(postgres_db_url, localstripe):
    port, namespace = free_port(), f"zxt{uuid.uuid4().hex[:10]}"
    url = f"redis://127.0.0.1:{port}/0"
    settings = stripe_settings(postgres_db_url, localstripe, redis_url=url, redis_namespace=namespace)
    with own_redis(port) as first:
        app = create_app(settings)
        async with AsyncTestClient(app=app) as client:
            shop = await make_shop(app, client, stock=3)
            a, b, c, d = await fill_carts(app, shop, 4)
            assert (await checkout(client, shop, visitor(a))).status_code == 201
            # when Redis dies
            first.terminate()
            first.wait(timeout=10)
            # then checkout still sells, through the database alone, and refuses what is not there
            assert (await checkout(client, shop, visitor(b))).status_code == 201
            assert (await checkout(client, shop, visitor(c))).status_code == 201
            refused = await checkout(client, shop, visitor(d))
            assert refused.status_code == 409 and refused.json()["type"].endswith("/sold-out")
            assert await audit(app, shop) == {"free": 0, "ordered": 3, "most_by_one": 1}
            # when an empty Redis comes back on the same port
            with own_redis(port):
                # then an attempt (once the app's client has reconnected) rebuilds the gate from the database
                deadline = time.monotonic() + 10
                while await gate_left(url, namespace, shop.session_id) != {shop.sku_id: 0}:
                    assert time.monotonic() < deadline, "the gate was never rebuilt"
                    assert (await checkout(client, shop, visitor(d))).status_code == 409
