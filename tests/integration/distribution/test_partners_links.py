"""Partners, partnerships, the partner tree and links through the API (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.factories import auth, make_brand, make_session, make_sku, make_token
from tests.factories_distribution import api_world, make_link, make_partner


def is_problem(response, status, slug=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if slug:
        assert response.json()["type"].endswith("/" + slug), response.json()


async def test_partner_applies_brand_approves_and_partner_links_a_session(app, client):
    world = await api_world(app, client)
    # then the link is public-coded, points at the session and has QR codes
    link = world.link
    assert len(link["code"]) >= 10 and link["url"].endswith(f"/l/{link['code']}")
    assert link["session_id"] == world.session["id"] and link["brand_id"] == world.brand["id"]
    png = await client.get(link["qr_png"], headers=auth(world.partner_token))
    svg = await client.get(link["qr_svg"], headers=auth(world.partner_token))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG") and png.headers["content-type"] == "image/png"
    assert svg.status_code == 200 and b"<svg" in svg.content
    # and the brand sees the partnership, the partner its own
    ships = await client.get(
        f"/api/v1/brands/{world.brand['id']}/partnerships?status=approved", headers=auth(world.brand_token)
    )
    assert [s["partner_id"] for s in ships.json()["items"]] == [world.partner["id"]]
    mine = await client.get(f"/api/v1/partners/{world.partner['id']}/links", headers=auth(world.partner_token))
    assert [x["id"] for x in mine.json()["items"]] == [link["id"]]


async def test_links_need_an_approved_partnership_with_that_brand(app, client):
    world = await api_world(app, client)
    other_brand = await make_brand(client, world.admin)
    other_token = await make_token(app, "brand", brand_id=other_brand["id"])
    other_session = await make_session(client, other_token, other_brand["id"])
    other_sku = await make_sku(client, other_token, other_brand["id"])
    pid, token = world.partner["id"], world.partner_token
    for body in (
        {"target": "session", "session_id": other_session["id"]},
        {"target": "sku", "sku_id": other_sku["id"]},
        {"target": "storefront", "brand_id": other_brand["id"]},
    ):
        response = await client.post(f"/api/v1/partners/{pid}/links", json=body, headers=auth(token))
        is_problem(response, 403, "partnership-required")
    # a pending application is not enough either
    await client.post(f"/api/v1/partners/{pid}/partnerships", json={"brand_id": other_brand["id"]}, headers=auth(token))
    pending = await client.post(
        f"/api/v1/partners/{pid}/links",
        json={"target": "storefront", "brand_id": other_brand["id"]},
        headers=auth(token),
    )
    is_problem(pending, 403, "partnership-required")
    missing = await client.post(f"/api/v1/partners/{pid}/links", json={"target": "session"}, headers=auth(token))
    is_problem(missing, 422)


async def test_partner_tree_stays_acyclic(app, client):
    admin = await make_token(app, "admin")
    top = await make_partner(client, admin)
    middle = await make_partner(client, admin, parent_id=top["id"])
    leaf = await make_partner(client, admin, parent_id=middle["id"])
    for parent in (leaf["id"], top["id"]):  # below itself, or itself
        response = await client.patch(
            f"/api/v1/partners/{top['id']}/parent", json={"parent_id": parent}, headers=auth(admin)
        )
        is_problem(response, 409, "partner-tree-cycle")
    moved = await client.patch(
        f"/api/v1/partners/{leaf['id']}/parent", json={"parent_id": top["id"]}, headers=auth(admin)
    )
    assert moved.status_code == 200 and moved.json()["parent_id"] == top["id"]


async def test_a_partner_adds_its_own_guides_and_sees_only_itself(app, client):
    admin = await make_token(app, "admin")
    channel = await make_partner(client, admin)
    stranger = await make_partner(client, admin)
    token = await make_token(app, "partner", partner_id=channel["id"])
    guide = await make_partner(client, token, name="Guide Lin")
    assert guide["parent_id"] == channel["id"]
    foreign = await client.post(
        "/api/v1/partners", json={"name": "X", "parent_id": stranger["id"]}, headers=auth(token)
    )
    is_problem(foreign, 403)
    is_problem(await client.get(f"/api/v1/partners/{stranger['id']}", headers=auth(token)), 404)
    is_problem(await client.get(f"/api/v1/partners/{stranger['id']}/links", headers=auth(token)), 404)
    is_problem(await client.get("/api/v1/partners", headers=auth(token)), 403)
    guides = await client.get(f"/api/v1/partners/{channel['id']}/guides", headers=auth(token))
    assert [g["id"] for g in guides.json()["items"]] == [guide["id"]]


async def test_brands_see_and_decide_only_their_own_partnerships(app, client):
    world = await api_world(app, client)
    other = await make_brand(client, world.admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    ship = (
        await client.get(f"/api/v1/partners/{world.partner['id']}/partnerships", headers=auth(world.partner_token))
    ).json()["items"][0]
    is_problem(await client.get(f"/api/v1/brands/{world.brand['id']}/partnerships", headers=auth(other_token)), 404)
    is_problem(
        await client.post(
            f"/api/v1/partnerships/{ship['id']}/decision", json={"state": "suspended"}, headers=auth(other_token)
        ),
        404,
    )
    is_problem(
        await client.post(
            f"/api/v1/partnerships/{ship['id']}/decision", json={"state": "approved"}, headers=auth(world.partner_token)
        ),
        403,
    )
    suspended = await client.post(
        f"/api/v1/partnerships/{ship['id']}/decision",
        json={"state": "suspended", "commission_bps": 1500, "reason": "links posted in spam groups"},
        headers=auth(world.brand_token),
    )
    assert suspended.json()["state"] == "suspended" and suspended.json()["commission_bps"] == 1500
    is_problem(
        await client.post(
            f"/api/v1/partnerships/{ship['id']}/decision", json={"state": "pending"}, headers=auth(world.brand_token)
        ),
        409,
        "illegal-transition",
    )
    is_problem(
        await client.post(
            f"/api/v1/partnerships/{ship['id']}/decision",
            json={"state": "approved", "commission_bps": -5},
            headers=auth(world.brand_token),
        ),
        422,
    )


async def test_negative_attribution_window_or_protection_is_refused(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    for settings in ({"attribution_window_days": -1}, {"protection_period_days": -3}):
        response = await client.patch(f"/api/v1/brands/{brand['id']}", json={"settings": settings}, headers=auth(token))
        is_problem(response, 422)


async def test_every_distribution_route_declares_roles_or_is_public_on_purpose(app):
    public = {"/l/{code:str}", "/ws/funnel/{session_id:str}"}
    for route in app.routes:
        if not route.path.startswith(
            (
                "/api/v1/partner",
                "/api/v1/links",
                "/api/v1/brands/{brand_id:str}/partnerships",
                "/l/",
                "/ws/funnel",
                "/api/v1/sessions/{session_id:str}/funnel",
            )
        ):
            continue
        if route.path in public:
            continue
        for handler in route.route_handlers:
            if set(getattr(handler, "http_methods", ())) == {"OPTIONS"}:
                continue  # Litestar's automatic OPTIONS answer
            assert handler.opt.get("roles"), route.path


async def test_storefront_and_sku_links_lead_to_the_brands_live_session(app, client):
    world = await api_world(app, client)
    sku = await make_sku(client, world.brand_token, world.brand["id"])
    await client.post(
        f"/api/v1/sessions/{world.session['id']}/lineup", json={"sku_id": sku["id"]}, headers=auth(world.brand_token)
    )
    pid, token = world.partner["id"], world.partner_token
    store = await make_link(client, token, pid, target="storefront", brand_id=world.brand["id"], label="Wechat A")
    item = await make_link(client, token, pid, target="sku", sku_id=sku["id"])
    to_store = await client.get(f"/l/{store['code']}", follow_redirects=False)
    to_item = await client.get(f"/l/{item['code']}", follow_redirects=False)
    assert to_store.headers["location"] == f"/live/{world.session['id']}?ref={store['code']}"
    assert to_item.headers["location"] == f"/live/{world.session['id']}?ref={item['code']}&sku={sku['id']}"
    assert store["label"] == "Wechat A"
