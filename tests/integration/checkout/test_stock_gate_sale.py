"""A flash sale through the app with the stock gate in front of PostgreSQL, on the in-process gate
and on Redis: never oversold, the per-buyer limit held, a sold-out crowd answered without one SQL
statement, and a gate that is lost or corrupted mid-sale rebuilt or reconciled from the database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlalchemy import event

from broadcast.checkout import controllers
from broadcast.checkout.gate import GateKeeper
from server.app import create_app
from server.kernel import clock
from tests.app_settings import stripe_settings
from tests.factories_checkout import Shop, checkout, make_shop, visitor
from tests.integration.checkout.flash import audit, fill_carts, rush
from tests.integration.checkout.gate_adapters import corrupt, lose, open_gate
from tests.waiting import eventually


@pytest.fixture(params=["memory", "redis"])
async def sale(request: pytest.FixtureRequest, postgres_db_url: str, localstripe: Any) -> AsyncIterator[Any]:
    extra: dict[str, Any] = {}
    if request.param == "redis":
        extra = {"redis_url": request.getfixturevalue("redis_url"), "redis_namespace": f"zxt{uuid.uuid4().hex[:10]}"}
    settings = stripe_settings(postgres_db_url, localstripe, stock_gate_reconcile_interval_s=0, **extra)
    app = create_app(settings)
    async with AsyncTestClient(app=app) as client:
        # The app runs on the test client's own event loop: the test looks at the same gate through
        # a keeper and Redis connection of its own (the memory gate is plain objects: shared).
        if request.param == "memory":
            yield app, client, app.state.stock_gate
            return
        async with open_gate("redis", extra["redis_url"], extra["redis_namespace"]) as gate:
            yield app, client, GateKeeper(gate, app.state.sessionmaker)


BACKGROUND = {"reminder-worker", "lottery-auto-close", "group-sweeper", "pk-sweeper", "order-sweeper"}


@contextmanager
def statements(app: Any) -> Any:
    """The SQL the app runs meanwhile, but for its background jobs (each runs in a task of its name)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        task = asyncio.current_task()
        if task is None or task.get_name() not in BACKGROUND:
            seen.append(statement)

    event.listen(app.state.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(app.state.engine.sync_engine, "before_cursor_execute", count)


async def sold_out_costs_no_sql(app: Any, client: Any, shop: Shop, vids: list[str]) -> None:
    with statements(app) as seen:
        answers = await rush(client, shop, vids)
    assert {r.status_code for r in answers} == {409}
    assert answers[0].headers["content-type"].startswith("application/problem+json")
    assert answers[0].json()["type"].endswith("/sold-out")
    assert seen == []


async def test_2000_checkouts_on_100_units_make_exactly_100_orders(sale):
    app, client, keeper = sale
    # given 100 units, a limit of one per buyer, and 1,000 viewers with one unit in the cart
    shop = await make_shop(app, client, stock=100, brand_settings={"per_buyer_limit_per_sku": 1})
    vids = await fill_carts(app, shop, 1000)
    # when every viewer presses "pay" twice at once (2,000 checkouts, two keys each)
    answers = await rush(client, shop, vids, attempts_each=2)
    # then exactly 100 orders, nobody holds two, and the rest were told why
    codes = [r.status_code for r in answers]
    assert codes.count(201) == 100 and set(codes) <= {201, 409, 422}, {c: codes.count(c) for c in set(codes)}
    assert await audit(app, shop) == {"free": 0, "ordered": 100, "most_by_one": 1}
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 0}
    # and from now on the crowd is turned away by the gate alone
    await sold_out_costs_no_sql(app, client, shop, vids[:50])


Damage = Callable[[GateKeeper, Shop], Awaitable[None]]


async def _lose(keeper: GateKeeper, shop: Shop) -> None:
    await lose(keeper.gate, shop.session_id)


async def _garbage(keeper: GateKeeper, shop: Shop) -> None:
    await corrupt(keeper.gate, shop.session_id, shop.sku_id, "garbage")


async def _huge(keeper: GateKeeper, shop: Shop) -> None:
    await corrupt(keeper.gate, shop.session_id, shop.sku_id, 10**12)


@pytest.mark.parametrize("damage", [_lose, _garbage, _huge], ids=["key-deleted", "garbage", "huge"])
async def test_a_gate_lost_or_corrupted_mid_sale_never_oversells_and_recovers(sale, damage: Damage):
    app, client, keeper = sale
    shop = await make_shop(app, client, stock=30, brand_settings={"per_buyer_limit_per_sku": 1})
    vids = await fill_carts(app, shop, 300)
    # given the sale has started
    first = await rush(client, shop, vids[:10])
    assert [r.status_code for r in first].count(201) == 10
    # when the gate is damaged and the crowd goes on
    await damage(keeper, shop)
    rest = await rush(client, shop, vids[10:])
    # then the database still sold exactly what there was
    assert [r.status_code for r in rest].count(201) == 20
    assert await audit(app, shop) == {"free": 0, "ordered": 30, "most_by_one": 1}
    # and after one reconcile pass the gate agrees with it and answers the crowd alone again
    await keeper.reconcile()
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 0}
    await sold_out_costs_no_sql(app, client, shop, vids[:20])


WINNER_KEY = "winner-key-0001"


async def until(read: Callable[[], Awaitable[Any]], expected: Any, within_s: float = 10) -> None:
    seen: list[Any] = []

    async def reached() -> bool:
        seen.append(await read())
        return bool(seen[-1] == expected)

    try:
        await eventually(reached, within_s, repr(expected), 0.02)
    except AssertionError:
        raise AssertionError(f"still {seen[-1]!r}, expected {expected!r}") from None


async def test_units_of_an_expired_order_go_back_to_the_gate(sale):
    app, client, keeper = sale
    shop = await make_shop(app, client, stock=1)
    winner, late = await fill_carts(app, shop, 2)
    assert (await checkout(client, shop, visitor(winner), key=WINNER_KEY)).status_code == 201
    assert (await checkout(client, shop, visitor(late))).status_code == 409
    order = (await checkout(client, shop, visitor(winner), key=WINNER_KEY)).json()["order"]
    # when the winner's reservation lapses (expired by the buyer's own read, inside the app)
    clock.advance(11 * 60)
    assert (await client.get(f"/api/v1/checkout/orders/{order['id']}", headers=visitor(winner))).json()[
        "state"
    ] == "expired"
    # then, once that commit is through, the gate has the unit again and the next viewer gets it
    await until(lambda: keeper.gate.units_left(shop.session_id), {shop.sku_id: 1})
    assert (await checkout(client, shop, visitor(late))).status_code == 201


async def test_a_winner_the_database_refuses_gives_its_units_back(sale):
    app, client, keeper = sale
    shop = await make_shop(app, client, stock=5)
    first, second = await fill_carts(app, shop, 2)
    assert (await checkout(client, shop, visitor(first))).status_code == 201
    # given the database has fewer units than the gate believes (stock edited behind its back)
    async with app.state.engine.begin() as conn:
        await conn.execute(sa.text("UPDATE skus SET stock = 0 WHERE id = :s"), {"s": shop.sku_id})
    # when the gate admits a checkout the conditional UPDATE then refuses
    refused = await checkout(client, shop, visitor(second))
    # then it is a 409, and the gate got back what it handed out
    assert refused.status_code == 409 and refused.json()["type"].endswith("/sold-out")
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 4}
    await keeper.reconcile()  # and the reconcile pass brings it down to the truth
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 0}


async def test_the_gate_is_built_at_go_live_follows_the_lineup_and_goes_when_the_session_ends(sale):
    from tests.factories import add_to_lineup, auth, make_sku

    app, client, keeper = sale
    # given a session that went live with one SKU of 7 units: built before anyone checks out
    shop = await make_shop(app, client, stock=7)
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 7}
    # when a SKU joins the live line-up, it is in the gate at once
    sku = await make_sku(client, shop.token, shop.brand_id, stock=3)
    await add_to_lineup(client, shop.token, shop.session_id, sku["id"])
    assert await keeper.gate.units_left(shop.session_id) == {shop.sku_id: 7, sku["id"]: 3}
    # when the session ends, its gate goes
    ended = await client.post(
        f"/api/v1/sessions/{shop.session_id}/state", json={"state": "ended"}, headers=auth(shop.token)
    )
    assert ended.status_code == 200, ended.text
    assert shop.session_id not in await keeper.gate.sessions()


async def test_refusals_are_answered_before_the_framework_and_a_winner_still_gets_its_order(sale, monkeypatch):
    app, client, _ = sale
    shop = await make_shop(app, client, stock=1)
    winner, crowd = await fill_carts(app, shop, 1), await fill_carts(app, shop, 5)
    won = await checkout(client, shop, visitor(winner[0]), key=WINNER_KEY)
    assert won.status_code == 201
    # given the checkout route itself would now fail loudly if it were reached
    reached: list[str] = []
    real_place = controllers.CheckoutService.place

    async def place(self, session_id, visitor_id, *args, **kwargs):
        reached.append(visitor_id)
        return await real_place(self, session_id, visitor_id, *args, **kwargs)

    monkeypatch.setattr(controllers.CheckoutService, "place", place)
    # when the crowd presses "pay" after the sell-out
    answers = await rush(client, shop, crowd)
    # then each is told "sold out" in the app's own problem+json, and none reached the route
    assert {r.status_code for r in answers} == {409} and reached == []
    body = answers[0].json()
    assert body["type"].endswith("/sold-out") and body["instance"] == f"/api/v1/sessions/{shop.session_id}/checkout"
    assert answers[0].headers["content-type"] == "application/problem+json"
    assert answers[0].headers["x-content-type-options"] == "nosniff" and answers[0].headers["x-request-id"]
    # and the winner's retry with its key goes through to its order
    again = await checkout(client, shop, visitor(winner[0]), key=WINNER_KEY)
    assert again.status_code == 201 and again.json()["order"]["id"] == won.json()["order"]["id"]
    assert reached == [winner[0]]
