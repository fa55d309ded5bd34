"""Lists that used to answer bare arrays page with `?cursor=&limit=` like every other list."""

from __future__ import annotations

from typing import Any

from tests.factories import auth, make_brand, make_token
from tests.factories_distribution import api_world, approve, make_link


async def walk(client: Any, url: str, token: str, limit: int) -> list[list[str]]:
    """The ids of every page, following next_cursor to the end."""
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = await client.get(url + query, headers=auth(token))
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_a_partners_links_page_newest_first(app, client):
    # given a partner with five links
    world = await api_world(app, client)
    session_id = world.session["id"]
    made = [world.link["id"]]
    for _ in range(4):
        link = await make_link(
            client, world.partner_token, world.partner["id"], target="session", session_id=session_id
        )
        made.append(link["id"])
    # when it walks its links two at a time
    pages = await walk(client, f"/api/v1/partners/{world.partner['id']}/links", world.partner_token, 2)
    # then it gets three pages, newest first, each link once
    assert pages == [made[4:2:-1], made[2:0:-1], made[0:1]]


async def test_partnerships_page_for_the_partner_and_for_the_brand(app, client):
    # given a partner approved by three brands
    world = await api_world(app, client)
    ships = [
        (
            await client.get(f"/api/v1/partners/{world.partner['id']}/partnerships", headers=auth(world.partner_token))
        ).json()["items"][0]["id"]
    ]
    for _ in range(2):
        brand = await make_brand(client, world.admin)
        brand_token = await make_token(app, "brand", brand_id=brand["id"])
        ships.append((await approve(client, world.partner_token, world.partner["id"], brand_token, brand["id"]))["id"])
    # when the partner walks them one at a time, then each comes once, oldest first
    url = f"/api/v1/partners/{world.partner['id']}/partnerships"
    assert await walk(client, url, world.partner_token, 1) == [[ships[0]], [ships[1]], [ships[2]]]
    # and the brand's own list is a page too
    mine = await walk(client, f"/api/v1/brands/{world.brand['id']}/partnerships", world.brand_token, 50)
    assert mine == [[ships[0]]]
    # and a limit out of range is a 422 with the field named
    bad = await client.get(url + "?limit=0", headers=auth(world.partner_token))
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "limit"
