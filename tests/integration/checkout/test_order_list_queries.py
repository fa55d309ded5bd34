"""A brand's order list costs a constant number of SQL statements per page, however many orders
the page holds (the lines of the whole page come in one `IN` query, not one query per order)."""

from __future__ import annotations

from collections.abc import Iterator
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import pytest
from litestar import Litestar
from sqlalchemy import event

from broadcast.checkout.models import Order, OrderLine
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.settings import Settings
from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_checkout import Shop, make_shop


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url)  # listing orders needs no payment provider


async def _add_orders(app: Litestar, shop: Shop, count: int) -> None:
    async with app.state.sessionmaker() as session:
        for n in range(count):
            order = Order(
                id=new_id("ord"),
                brand_id=shop.brand_id,
                session_id=shop.session_id,
                visitor_id=f"v{n}",
                idempotency_key=f"k{n}",
                currency="USD",
                amount_minor=9900 * 2,
                reserved_until=utcnow() + timedelta(hours=1),
            )
            session.add(order)
            await session.flush()
            for sku_id in (shop.sku_id, shop.sku_id):
                session.add(_line(order, sku_id))
        await session.commit()


def _line(order: Order, sku_id: str) -> OrderLine:
    return OrderLine(
        id=new_id("oli"),
        order_id=order.id,
        sku_id=sku_id,
        title="Tea",
        quantity=1,
        unit_price_minor=9900,
        amount_minor=9900,
        currency="USD",
    )


COUNTING: ContextVar[bool] = ContextVar("counting_statements", default=False)


class StatementCounter:
    """Statements run on behalf of the test's requests only: the context variable is set by the
    test, so the tasks serving its requests inherit it while the app's background loops (outbox,
    sweepers), started earlier, do not — they share the engine and ticked into the count."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: Any) -> None:
        if COUNTING.get():
            self.count += 1


@pytest.fixture
def statements(app: Litestar) -> Iterator[StatementCounter]:
    counter = StatementCounter()
    token = COUNTING.set(True)
    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine, "before_cursor_execute", counter)
    COUNTING.reset(token)


async def _statements_for_page(client: Any, shop: Shop, statements: StatementCounter, limit: int) -> int:
    statements.count = 0
    response = await client.get(f"/api/v1/brands/{shop.brand_id}/orders?limit={limit}", headers=auth(shop.token))
    assert response.status_code == 200, response.text
    page = response.json()
    assert len(page["items"]) == limit and all(len(o["lines"]) == 2 for o in page["items"])
    return statements.count


async def test_a_page_of_fifty_orders_costs_as_many_statements_as_a_page_of_one(app, client, statements):
    # given a brand with 60 orders of two lines each
    shop = await make_shop(app, client)
    await _add_orders(app, shop, 60)

    # when the brand lists a page of 1 and a page of 50
    one = await _statements_for_page(client, shop, statements, 1)
    fifty = await _statements_for_page(client, shop, statements, 50)

    # then the statement count does not grow with the page size
    assert fifty == one >= 1, f"page of 1: {one} statements, page of 50: {fifty}"


async def test_a_filtered_page_costs_as_many_statements_as_an_unfiltered_one(app, client, statements):
    # given a brand with 30 orders
    shop = await make_shop(app, client)
    await _add_orders(app, shop, 30)
    plain = await _statements_for_page(client, shop, statements, 20)
    # when the page is filtered by session, state, dates and partner (a sub-query, not a second round trip)
    statements.count = 0
    filters = {
        "session_id": shop.session_id,
        "state": "pending_payment",
        "created_from": (utcnow() - timedelta(days=1)).isoformat(),
        "limit": 20,
    }
    response = await client.get(f"/api/v1/brands/{shop.brand_id}/orders", params=filters, headers=auth(shop.token))
    assert response.status_code == 200 and len(response.json()["items"]) == 20
    assert statements.count == plain
    statements.count = 0
    by_partner = await client.get(
        f"/api/v1/brands/{shop.brand_id}/orders", params={**filters, "partner_id": "ptn_none"}, headers=auth(shop.token)
    )
    # then no extra statement is spent (a page with no order skips the lines query)
    assert by_partner.json()["items"] == [] and statements.count <= plain
