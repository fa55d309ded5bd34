"""The stock gate shared by two worker processes through Redis: a rush spread over both workers
sells exactly the units there are, one per buyer, and leaves the shared gate at zero."""

from __future__ import annotations

import httpx
from redis.asyncio import Redis

from broadcast.checkout.gate.redis import RedisStockGate
from server.app import create_app
from tests.app_settings import make_settings
from tests.factories_checkout import make_shop
from tests.integration.checkout.flash import audit, fill_carts, rush
from tests.live_server import run_server
from tests.stripe_server import API_KEY, WEBHOOK_SECRET

UNITS, VIEWERS = 40, 200


async def test_two_workers_share_one_gate_and_sell_exactly_the_stock(
    postgres_db_url, redis_url, redis_namespace, localstripe, tmp_path
):
    env = {
        "DATABASE_URL": postgres_db_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": redis_namespace,
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": localstripe.base_url,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "ORDER_SWEEP_INTERVAL_S": "0",
        "DB_POOL_SIZE": "5",
        "UNPAID_HOLDS_PER_CLIENT": "0",  # the whole crowd comes from loopback
    }
    local = create_app(make_settings(postgres_db_url))  # tokens and carts straight into the database
    with run_server(env, workers=2, tmp_dir=tmp_path) as server:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as client:
            # given 40 units, one per buyer, and 200 viewers with one unit in the cart
            shop = await make_shop(local, client, stock=UNITS, brand_settings={"per_buyer_limit_per_sku": 1})
            vids = await fill_carts(local, shop, VIEWERS)
            # when each presses "pay" twice at once, spread over both workers
            answers = await rush(client, shop, vids, attempts_each=2)
    # then exactly 40 orders, one per buyer, and the gate both workers used is at zero
    codes = [r.status_code for r in answers]
    assert codes.count(201) == UNITS and set(codes) <= {201, 409, 422}, {c: codes.count(c) for c in set(codes)}
    assert await audit(local, shop) == {"free": 0, "ordered": UNITS, "most_by_one": 1}
    redis = Redis.from_url(redis_url)
    try:
        assert await RedisStockGate(redis, redis_namespace).units_left(shop.session_id) == {shop.sku_id: 0}
    finally:
        await redis.aclose()
