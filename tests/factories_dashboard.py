"""The live dashboard: a played sale — a live session selling two SKUs, a partner's link, buyers
who open the room, like, comment, cart and pay, pins, a refund — with what the test itself did,
so figures can be checked against it and against the database rows."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import websockets

from server.kernel import clock
from server.kernel.clock import utcnow
from tests.factories import add_to_lineup, auth, go_live, make_sku
from tests.factories_checkout import Shop, visitor
from tests.factories_distribution import api_world
from tests.factories_liveroom import Viewer
from tests.factories_orders import pay, place, through_link
from tests.stripe_server import StripeTestServer
from tests.waiting import eventually

PRICE_A, PRICE_B = 10000, 5000


@dataclass
class Sale:
    shop: Shop  # selling SKU A
    sku_b: str
    partner_id: str
    link_code: str
    orders: list[dict[str, Any]] = field(default_factory=list)  # every paid order, with "minute", "sku", "via"
    watched_s: tuple[float, float] = (0.0, 0.0)  # all viewers' time in the room: at least, at most

    @property
    def session_id(self) -> str:
        return self.shop.session_id

    def selling(self, sku_id: str) -> Shop:
        return dataclasses.replace(self.shop, sku_id=sku_id)


def start_of_a_fresh_minute() -> datetime:
    """Move the clock to 1 s past the next minute, so each step of a test stays in one minute."""
    now = utcnow()
    clock.advance(61 - now.second - now.microsecond / 1e6)
    return utcnow().replace(second=0, microsecond=0)


async def sale(app: Any, client: Any) -> Sale:
    """A brand live with SKU A (100.00) and SKU B (50.00), and a partner with a session link (10 %)."""
    world = await api_world(app, client)
    brand_id, token = world.brand["id"], world.brand_token
    sku_a = await make_sku(client, token, brand_id, price_minor=PRICE_A, stock=50, title="Oolong tin")
    sku_b = await make_sku(client, token, brand_id, price_minor=PRICE_B, stock=50, title="Jasmine pearls")
    for sku in (sku_a, sku_b):
        await add_to_lineup(client, token, world.session["id"], sku["id"])
    start_of_a_fresh_minute()
    await go_live(client, token, world.session["id"])
    shop = Shop(brand_id, token, world.session["id"], sku_a["id"])
    return Sale(shop, sku_b["id"], world.partner["id"], world.link["code"])


async def buyer(app: Any, client: Any, world: Sale, via_link: bool) -> dict[str, str]:
    return await through_link(app, client, world.link_code) if via_link else visitor()


async def buys(
    app: Any, client: Any, stripe: StripeTestServer, world: Sale, headers: dict[str, str], sku_id: str, quantity: int
) -> dict[str, Any]:
    order = await place(client, world.selling(sku_id), headers, quantity)
    await pay(app, client, stripe, order, headers)
    world.orders.append({**order, "sku": sku_id, "quantity": quantity, "visitor": headers["Cookie"]})
    return order


async def pin(client: Any, world: Sale, sku_id: str | None) -> None:
    url = f"/api/v1/sessions/{world.session_id}/pin"
    headers = auth(world.shop.token)
    if sku_id is None:
        response = await client.delete(url, headers=headers)
    else:
        response = await client.put(url, json={"sku_id": sku_id}, headers=headers)
    assert response.status_code in (200, 204), response.text


async def refund(client: Any, world: Sale, order_id: str, amount_minor: int) -> None:
    response = await client.post(
        f"/api/v1/orders/{order_id}/refunds", json={"amount_minor": amount_minor}, headers=auth(world.shop.token)
    )
    assert response.status_code == 201, response.text


async def end(client: Any, world: Sale) -> None:
    response = await client.post(
        f"/api/v1/sessions/{world.session_id}/state", json={"state": "ended"}, headers=auth(world.shop.token)
    )
    assert response.status_code == 200, response.text


@contextlib.asynccontextmanager
async def in_room(host: str, session_id: str, headers: dict[str, str] | None = None) -> AsyncIterator[Viewer]:
    """A viewer's socket, with the visitor's cookies when given (so the room knows who it is)."""
    socket = await websockets.connect(
        f"ws://{host}/ws/sessions/{session_id}", additional_headers=headers or {}, max_size=2**20
    )
    watcher = Viewer(socket)
    watcher._task = asyncio.create_task(watcher._read())
    try:
        await watcher.wait_for(lambda e: e["type"] == "snapshot")
        yield watcher
    finally:
        await watcher.close()


async def online_is(app: Any, session_id: str, count: int, within_s: float = 10.0) -> None:
    """Wait (bounded) until the room's presence, as every worker reported it, is `count`."""
    store = app.state.liveroom.store

    async def reached() -> bool:
        return bool((await store.counters(session_id)).viewers == count)

    await eventually(reached, within_s, f"online reaching {count}")


async def likes_reach(room: Viewer, total: int) -> None:
    await room.wait_for(lambda e: e["type"] == "likes" and e["total"] >= total)


async def says(room: Viewer, text: str) -> None:
    await room.send({"type": "comment", "text": text})
    await room.wait_for(lambda e: e["type"] == "comment" and e["text"] == text)
