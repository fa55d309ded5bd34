"""A brand's decisions on its partners: the listing names each partner and the rate it earns (its
own, or the brand default as a number), reject and suspend need a reason the partner then sees,
a rate can go back to the brand default, and another brand neither sees nor changes any of it."""

from __future__ import annotations

from sqlmodel import select

from distribution.models import Partnership
from tests.factories import auth, make_brand, make_token
from tests.factories_distribution import api_world, make_partner


def is_problem(response, status, field=None):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field:
        assert field in [e["field"] for e in response.json()["errors"]], response.json()


async def applied(app, client, admin, brand_id, name="Harbor Moms"):
    partner = await make_partner(client, admin, name=name)
    token = await make_token(app, "partner", partner_id=partner["id"])
    ship = await client.post(
        f"/api/v1/partners/{partner['id']}/partnerships", json={"brand_id": brand_id}, headers=auth(token)
    )
    assert ship.status_code == 201, ship.text
    return partner, token, ship.json()


async def stored(app, ship_id):
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(Partnership).where(Partnership.id == ship_id))).one()


async def test_the_brand_lists_names_and_effective_rates(app, client):
    # given a brand (default 10 %) with one approved partner at 12 % and one pending applicant
    world = await api_world(app, client)
    _, _, pending = await applied(app, client, world.admin, world.brand["id"], name="Campus Deals")
    ship_id = (
        await client.get(f"/api/v1/brands/{world.brand['id']}/partnerships", headers=auth(world.brand_token))
    ).json()["items"][0]["id"]
    await client.post(
        f"/api/v1/partnerships/{ship_id}/decision",
        json={"state": "approved", "commission_bps": 1200},
        headers=auth(world.brand_token),
    )
    # when the brand lists its partnerships
    listed = await client.get(f"/api/v1/brands/{world.brand['id']}/partnerships", headers=auth(world.brand_token))
    # then each names its partner and the rate that applies, whether its own or the default
    rows = {row["id"]: row for row in listed.json()["items"]}
    assert (rows[ship_id]["partner_name"], rows[ship_id]["effective_commission_bps"], rows[ship_id]["rate_source"]) == (
        world.partner["name"],
        1200,
        "partnership",
    )
    assert (rows[pending["id"]]["partner_name"], rows[pending["id"]]["commission_bps"]) == ("Campus Deals", None)
    assert (rows[pending["id"]]["effective_commission_bps"], rows[pending["id"]]["rate_source"]) == (
        1000,
        "brand_default",
    )
    only_pending = await client.get(
        f"/api/v1/brands/{world.brand['id']}/partnerships?status=pending", headers=auth(world.brand_token)
    )
    assert [row["id"] for row in only_pending.json()["items"]] == [pending["id"]]


async def test_reject_and_suspend_need_a_reason_the_partner_sees(app, client):
    world = await api_world(app, client)
    partner, token, ship = await applied(app, client, world.admin, world.brand["id"])
    url = f"/api/v1/partnerships/{ship['id']}/decision"
    # a rejection without a reason (or a blank one) is refused beside the field, and nothing changes
    for body in ({"state": "rejected"}, {"state": "rejected", "reason": "   "}):
        is_problem(await client.post(url, json=body, headers=auth(world.brand_token)), 422, "reason")
    assert (await stored(app, ship["id"])).state == "pending"
    # with one, it is stored and the partner reads it on its own list
    rejected = await client.post(
        url, json={"state": "rejected", "reason": "We sell only through tea shops"}, headers=auth(world.brand_token)
    )
    assert rejected.status_code == 200 and rejected.json()["decision_reason"] == "We sell only through tea shops"
    mine = await client.get(f"/api/v1/partners/{partner['id']}/partnerships", headers=auth(token))
    assert mine.json()["items"][0]["decision_reason"] == "We sell only through tea shops"
    client.cookies.set("zx_token", token)
    assert "We sell only through tea shops" in (await client.get("/partner")).text
    client.cookies.clear()
    # approving later clears the old reason; suspending needs one of its own
    approved = await client.post(url, json={"state": "approved"}, headers=auth(world.brand_token))
    assert approved.json()["state"] == "approved" and approved.json()["decision_reason"] is None
    is_problem(await client.post(url, json={"state": "suspended"}, headers=auth(world.brand_token)), 422, "reason")
    assert (await stored(app, ship["id"])).state == "approved"


async def test_a_rate_goes_back_to_the_brand_default(app, client):
    world = await api_world(app, client)
    _, _, ship = await applied(app, client, world.admin, world.brand["id"])
    url = f"/api/v1/partnerships/{ship['id']}/decision"
    own = await client.post(url, json={"state": "approved", "commission_bps": 1500}, headers=auth(world.brand_token))
    assert (own.json()["effective_commission_bps"], own.json()["rate_source"]) == (1500, "partnership")
    # both a rate and "use the default" is refused, and the rate stays
    is_problem(
        await client.post(
            url,
            json={"state": "approved", "commission_bps": 900, "use_brand_default": True},
            headers=auth(world.brand_token),
        ),
        422,
        "commission_bps",
    )
    assert (await stored(app, ship["id"])).commission_bps == 1500
    back = await client.post(
        url, json={"state": "approved", "use_brand_default": True}, headers=auth(world.brand_token)
    )
    assert (back.json()["commission_bps"], back.json()["effective_commission_bps"]) == (None, 1000)
    assert back.json()["rate_source"] == "brand_default"


async def test_bad_decisions_are_problems_and_write_nothing(app, client):
    world = await api_world(app, client)
    _, _, ship = await applied(app, client, world.admin, world.brand["id"])
    url = f"/api/v1/partnerships/{ship['id']}/decision"
    bad = [
        {"state": "approved", "commission_bps": 10_001},
        {"state": "approved", "commission_bps": "twelve"},
        {"state": "approved", "reason": "x" * 501},
        {"state": "maybe"},
        {"state": "approved", "extra": 1},
    ]
    for body in bad:
        is_problem(await client.post(url, json=body, headers=auth(world.brand_token)), 422)
    row = await stored(app, ship["id"])
    assert (row.state, row.commission_bps, row.decision_reason, row.decided_at) == ("pending", None, None, None)


async def test_another_brand_neither_sees_nor_decides(app, client):
    world = await api_world(app, client)
    _, _, ship = await applied(app, client, world.admin, world.brand["id"])
    other = await make_brand(client, world.admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    is_problem(await client.get(f"/api/v1/brands/{world.brand['id']}/partnerships", headers=auth(other_token)), 404)
    is_problem(
        await client.post(
            f"/api/v1/partnerships/{ship['id']}/decision",
            json={"state": "rejected", "reason": "mine now"},
            headers=auth(other_token),
        ),
        404,
    )
    assert (await client.get(f"/api/v1/brands/{other['id']}/partnerships", headers=auth(other_token))).json()[
        "items"
    ] == []
    assert (await stored(app, ship["id"])).state == "pending"
