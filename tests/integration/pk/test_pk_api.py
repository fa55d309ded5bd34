"""Creating competitions: validation leaves nothing behind; tenancy (another brand, a partner not
in the competition → 404); a partner sees names and scores only."""

from __future__ import annotations

from tests.factories import auth, make_brand, make_session, make_token
from tests.factories_commission import make_partner
from tests.factories_pk import board, competition_body, create_competition, pay, pk_row_counts, pk_world

TIERS_OVERLAP = [
    {"rank_from": 1, "rank_to": 1, "kind": "fixed", "amount": "100"},
    {"rank_from": 1, "rank_to": 10, "kind": "fixed", "amount": "50"},
]


CASES = [
    ({"prize_tiers": TIERS_OVERLAP}, 422, "overlapping-prize-tiers"),
    ({"prize_tiers": [{"rank_from": 0, "rank_to": 1, "kind": "fixed", "amount": "1"}]}, 422, "invalid-input"),
    ({"prize_tiers": [{"rank_from": 3, "rank_to": 2, "kind": "fixed", "amount": "1"}]}, 422, "invalid-input"),
    ({"prize_tiers": [{"rank_from": 1, "rank_to": 2, "kind": "bonus_bps", "amount": "10001"}]}, 422, "invalid-input"),
    ({"entrants": "one"}, 422, "invalid-input"),
    ({"entrants": "unapproved"}, 422, "invalid-input"),
    ({"entrants": "two_teams_one_partner"}, 422, "invalid-input"),
    ({"scope": "reversed"}, 422, "invalid-input"),
    ({"scope": "foreign_session"}, 404, "not-found"),
]


async def bad_body(app, client, world, change):
    body = competition_body(world.partners, **{k: v for k, v in change.items() if not isinstance(v, str)})
    if change.get("entrants") == "one":
        body["entrants"] = {"partners": world.partners[:1]}
    if change.get("entrants") == "unapproved":
        body["entrants"] = {"partners": [world.partners[0], await make_partner(app)]}
    if change.get("entrants") == "two_teams_one_partner":
        body["entrants"] = {
            "teams": [{"name": "A", "partner_ids": world.partners}, {"name": "B", "partner_ids": world.partners[:1]}]
        }
    if change.get("scope") == "reversed":
        body["scope"] = {"starts_at": "2026-11-02T00:00:00Z", "ends_at": "2026-11-01T00:00:00Z"}
    if change.get("scope") == "foreign_session":
        other = await make_brand(client, world.admin)
        other_token = await make_token(app, "brand", brand_id=other["id"])
        body["scope"] = {"session_id": (await make_session(client, other_token, other["id"]))["id"]}
    return body


async def test_bad_competitions_are_refused_and_change_nothing(app, client):
    world = await pk_world(app, client, partners=2)
    for change, status, type_ in CASES:
        body = await bad_body(app, client, world, change)
        before = await pk_row_counts(app)
        response = await client.post(
            f"/api/v1/brands/{world.brand_id}/competitions", json=body, headers=auth(world.brand_token)
        )
        assert response.status_code == status, (change, response.text)
        assert response.json()["type"].endswith(type_), change
        assert await pk_row_counts(app) == before
        if type_ == "overlapping-prize-tiers":
            assert "1–1 and 1–10 overlap" in response.json()["detail"]


async def test_tenancy_and_what_a_partner_sees(app, client):
    # given a competition of every approved partner (empty list) and an outsider of another brand
    world = await pk_world(app, client, partners=3)
    competition = await create_competition(client, world, competition_body([]))
    assert sorted(p for e in competition["entrants"] for p in e["partner_ids"]) == sorted(world.partners)
    assert competition["state"] == "running"
    other = await make_brand(client, world.admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    outsider = await make_partner(app, brand_id=other["id"])
    outsider_token = await make_token(app, "partner", partner_id=outsider)
    cid = competition["id"]
    order = await pay(app, world, world.partners[1], 5000)
    # then another brand and a partner not in it get 404, never the board
    for token, url in [
        (other_token, f"/api/v1/competitions/{cid}/leaderboard"),
        (other_token, f"/api/v1/brands/{world.brand_id}/competitions/{cid}"),
        (outsider_token, f"/api/v1/competitions/{cid}/leaderboard"),
        (outsider_token, f"/api/v1/partners/{world.partners[0]}/competitions"),
    ]:
        assert (await client.get(url, headers=auth(token))).status_code == 404, url
    flag_url = f"/api/v1/brands/{other['id']}/orders/{order['order_id']}/flag"
    assert (await client.post(flag_url, json={"reason": "x"}, headers=auth(other_token))).status_code == 404
    flag_url = f"/api/v1/brands/{world.brand_id}/orders/{order['order_id']}/flag"
    assert (await client.post(flag_url, json={"reason": "x"}, headers=auth(other_token))).status_code == 404
    closing = await client.post(f"/api/v1/brands/{world.brand_id}/competitions/{cid}/close", headers=auth(other_token))
    assert closing.status_code == 404
    assert (await client.get(f"/api/v1/partners/{outsider}/competitions", headers=auth(outsider_token))).json()[
        "items"
    ] == []
    # and an entrant partner sees the full board as names and scores, its own row marked
    mine = await board(client, world.partner_tokens[1], cid)
    top_row = mine["rows"][0]
    assert (top_row["rank"], top_row["score"], top_row["mine"]) == (1, 5000, True)
    assert all(r["partner_ids"] is None and r["entrant_key"] is None for r in mine["rows"])
    listed = await client.get(
        f"/api/v1/partners/{world.partners[1]}/competitions", headers=auth(world.partner_tokens[1])
    )
    assert [c["id"] for c in listed.json()["items"]] == [cid]
