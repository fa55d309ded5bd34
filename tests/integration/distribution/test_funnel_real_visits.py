"""The partner funnel counts only real visits: a live-room socket (or a cart request) carrying a
partner's `?ref=` code counts for that partner only when the browser came through the partner's
link (its signed attribution cookie or a stored click). On PostgreSQL and Redis, served by
uvicorn with real websockets."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import pytest
from litestar import Litestar

from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import add_to_lineup, auth, go_live, make_sku, make_token
from tests.factories_distribution import ApiWorld, api_world, approve, make_link, make_partner
from tests.factories_liveroom import Viewer, serving, viewer

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"}


@pytest.fixture
def served_app(postgres_db_url: str, redis_url: str, redis_namespace: str) -> Litestar:
    return create_app(make_settings(postgres_db_url, redis_url=redis_url, redis_namespace=redis_namespace))


async def live_world(app: Litestar, http: httpx.AsyncClient) -> tuple[ApiWorld, str]:
    """A live session with one SKU and an approved partner's link; returns (world, sku id)."""
    world = await api_world(app, http)
    sku = await make_sku(http, world.brand_token, world.brand["id"])
    await add_to_lineup(http, world.brand_token, world.session["id"], sku["id"], position=0)
    await go_live(http, world.brand_token, world.session["id"])
    return world, sku["id"]


async def funnel_row(http: httpx.AsyncClient, world: ApiWorld, token: str, partner_id: str) -> dict[str, Any]:
    response = await http.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(token))
    assert response.status_code == 200, response.text
    [row] = [row for row in response.json()["partners"] if row["partner_id"] == partner_id]
    return row  # type: ignore[no-any-return]


async def click(http: httpx.AsyncClient, code: str) -> str:
    """Follow the partner's link as a fresh browser; the Cookie header that browser then sends."""
    response = await http.get(f"/l/{code}", headers=BROWSER, follow_redirects=False, cookies={})
    assert response.status_code == 302, response.text
    jar = {c.name: c.value for c in response.cookies.jar}
    assert {"zx_vid", "zx_attr"} <= set(jar)
    return "; ".join(f"{name}={value}" for name, value in jar.items())


async def joined(stack: contextlib.AsyncExitStack, url: str, cookie: str | None = None) -> Viewer:
    headers = {"Cookie": cookie} if cookie else None
    watcher = await stack.enter_async_context(viewer(url, additional_headers=headers))
    await watcher.wait_for(lambda e: e["type"] == "snapshot")
    return watcher


async def test_thirty_sockets_with_a_partners_code_and_no_click_add_nothing_to_its_funnel(served_app):
    async with serving(served_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as http:
        world, sku_id = await live_world(served_app, http)
        url = f"ws://{host}/ws/sessions/{world.session['id']}?ref={world.link['code']}"
        # when 30 sockets carry the partner's code without any click, like 50 times and add to cart each
        async with contextlib.AsyncExitStack() as stack:
            sockets = [await joined(stack, url) for _ in range(30)]
            for socket in sockets:
                await socket.send({"type": "like", "count": 50})
                await socket.send({"type": "cart", "sku_id": sku_id})
            # and the room has seen all of it (so the funnel would have it, were it counted)
            await sockets[-1].wait_for(lambda e: e["type"] == "likes" and e["total"] == 1500, within_s=15)
            await sockets[-1].wait_for(lambda e: e["type"] == "carts" and e["counts"] == {sku_id: 30}, within_s=15)
            await sockets[-1].wait_for(lambda e: e["type"] == "viewers" and e["count"] == 30, within_s=15)
            # and a cart added over HTTP with the code, again with no click behind it
            added = await http.post(
                f"/api/v1/sessions/{world.session['id']}/cart/items",
                params={"ref": world.link["code"]},
                json={"sku_id": sku_id, "quantity": 1},
            )
            assert added.status_code == 200, added.text
            await served_app.state.dispatcher.drain()
            row = await funnel_row(http, world, world.partner_token, world.partner["id"])
    # then the partner's funnel row gained nothing
    assert (row["clicks"], row["viewers"], row["likes"], row["cart_adds"]) == (0, 0, 0, 0)


async def test_a_socket_backed_by_the_partners_click_counts_once_and_only_for_that_partner(served_app):
    async with serving(served_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as http:
        world, sku_id = await live_world(served_app, http)
        rival = await make_partner(http, world.admin, name="Rival")
        rival_token = await make_token(served_app, "partner", partner_id=rival["id"])
        await approve(http, rival_token, rival["id"], world.brand_token, world.brand["id"])
        rival_link = await make_link(http, rival_token, rival["id"], target="session", session_id=world.session["id"])
        base = f"ws://{host}/ws/sessions/{world.session['id']}?ref="
        # given one browser that came through the partner's link
        cookie = await click(http, world.link["code"])
        await served_app.state.click_flusher.drain()
        async with contextlib.AsyncExitStack() as stack:
            # when it watches in two tabs, likes and adds to cart; and also claims the rival's code
            tabs = [await joined(stack, base + world.link["code"], cookie) for _ in range(2)]
            borrowed = await joined(stack, base + rival_link["code"], cookie)
            await tabs[0].send({"type": "like", "count": 7})
            await tabs[1].send({"type": "cart", "sku_id": sku_id})
            await borrowed.send({"type": "like", "count": 5})
            await tabs[0].wait_for(lambda e: e["type"] == "likes" and e["total"] == 12, within_s=15)
            await tabs[0].wait_for(lambda e: e["type"] == "carts" and e["counts"] == {sku_id: 1}, within_s=15)
            await tabs[0].wait_for(lambda e: e["type"] == "viewers" and e["count"] == 3, within_s=15)
            mine = await funnel_row(http, world, world.partner_token, world.partner["id"])
            theirs = await funnel_row(http, world, rival_token, rival["id"])
    # then the partner's row has the one click, one viewer (two tabs, one visitor), its likes and cart
    assert (mine["clicks"], mine["viewers"], mine["likes"], mine["cart_adds"]) == (1, 1, 7, 1)
    # and the rival, whose link this browser never clicked, gains nothing from its code on the URL
    assert (theirs["clicks"], theirs["viewers"], theirs["likes"], theirs["cart_adds"]) == (0, 0, 0, 0)
