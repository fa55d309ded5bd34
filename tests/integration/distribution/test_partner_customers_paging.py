"""The partner's customers (私域) page by cursor (`{items, next_cursor}`): with more than 200 bound
buyers, following `next_cursor` lists every one exactly once, newest last order first; another
partner's buyers never appear and another partner cannot read the list; a cursor this list did not
give out and a bad limit are a 422."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from server.kernel.clock import utcnow
from tests.factories import auth, make_token
from tests.factories_customers import bind_buyers
from tests.factories_distribution import make_partner


async def every_page(client: Any, partner_id: str, token: str, limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        answer = await client.get(f"/api/v1/partners/{partner_id}/customers", params=params, headers=auth(token))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


async def test_more_than_200_customers_page_by_cursor_and_none_is_lost(app, client):
    # given partner A with 240 bound buyers (80 instants × 3 brands: ties in the order) and B with 30
    admin = await make_token(app, "admin")
    a, b = await make_partner(client, admin), await make_partner(client, admin)
    start = utcnow() - timedelta(days=2)
    mine = await bind_buyers(app, a["id"], 80, ["brd_a", "brd_b", "brd_c"], start)
    theirs = await bind_buyers(app, b["id"], 10, ["brd_a", "brd_b", "brd_c"], start)
    token_a = await make_token(app, "partner", partner_id=a["id"])
    # when A follows next_cursor 50 at a time
    pages = await every_page(client, a["id"], token_a, 50)
    # then it sees all 240 exactly once, in five pages, newest last order first, and none of B's
    rows = [row for page in pages for row in page]
    assert [len(p) for p in pages] == [50, 50, 50, 50, 40]
    assert len(rows) == 240 and {r["tag"] for r in rows} == mine and not mine & theirs
    assert [r["last_order_at"] for r in rows] == sorted((r["last_order_at"] for r in rows), reverse=True)
    # and the same list in one page of 200 and the rest agrees, order included
    assert [r["tag"] for p in await every_page(client, a["id"], token_a, 200) for r in p] == [r["tag"] for r in rows]


async def test_another_partner_cannot_page_my_customers_and_bad_cursors_are_refused(app, client):
    admin = await make_token(app, "admin")
    a, b = await make_partner(client, admin), await make_partner(client, admin)
    await bind_buyers(app, a["id"], 3, ["brd_a"], utcnow() - timedelta(hours=1))
    token_a = await make_token(app, "partner", partner_id=a["id"])
    token_b = await make_token(app, "partner", partner_id=b["id"])
    first = (
        await client.get(f"/api/v1/partners/{a['id']}/customers", params={"limit": 1}, headers=auth(token_a))
    ).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    # B with A's cursor reads nothing of A's: A's list is not found for B
    stolen = {"cursor": first["next_cursor"]}
    answer = await client.get(f"/api/v1/partners/{a['id']}/customers", params=stolen, headers=auth(token_b))
    assert answer.status_code == 404
    # and B's own list, with A's cursor, is B's (empty), never A's buyers
    own = await client.get(f"/api/v1/partners/{b['id']}/customers", params=stolen, headers=auth(token_b))
    assert own.status_code == 200 and own.json() == {"items": [], "next_cursor": None}
    # a made-up cursor or a bad limit is a 422 with the field named, never a 500
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "!!!"}, {"limit": 0}, {"limit": 201}):
        bad = await client.get(f"/api/v1/partners/{a['id']}/customers", params=params, headers=auth(token_a))
        assert bad.status_code == 422, (params, bad.text)
        assert bad.headers["content-type"].startswith("application/problem+json")
