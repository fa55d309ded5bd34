"""Close → frozen results → `pk_bonus` in the ledger (idempotent), refunds after the close under
`final` and `adjust_bonus`, and the statement and reconciliation tying out with bonuses."""

from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from commission import ledger
from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_commission import emit_events
from tests.factories_pk import (
    board,
    close,
    competition_body,
    create_competition,
    entries_sum_zero,
    pay,
    pk_row_counts,
    pk_world,
    refund,
    transactions,
)


async def available(app, partner_id):
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id], kinds=["available"])
    return sum(found.values())


async def test_close_freezes_the_ranking_and_posts_each_bonus_once(app, client):
    # given a GMV competition: 3 % for first, 5.00 fixed for 2nd–10th, and a team-less field of three
    world = await pk_world(app, client, partners=3)
    a, b, c = world.partners
    cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
    await pay(app, world, a, 10001)
    await pay(app, world, b, 5000)
    # when the brand closes it (twice)
    first = await close(client, world, cid)
    assert first.status_code == 200 and first.json()["state"] == "closed"
    again = await close(client, world, cid)
    assert again.status_code == 409
    await app.state.dispatcher.drain()
    # then the results are frozen: a first with 3 % of 100.01 (300.03 → 300), b second with 5.00,
    # c scored nothing and wins nothing
    frozen = await board(client, world.brand_token, cid)
    assert frozen["frozen"] and [(r["partner_ids"], r["score"], r["bonus_minor"]) for r in frozen["rows"]] == [
        ([a], 10001, 300),
        ([b], 5000, 500),
        ([c], 0, 0),
    ]
    # and one pk_bonus transaction per winner, brand net → partner available, nothing twice
    bonuses = await transactions(app, "pk_bonus")
    assert sorted(t.idempotency_key for t in bonuses) == sorted([f"pk_bonus:{cid}:{a}", f"pk_bonus:{cid}:{b}"])
    assert await available(app, a) == 300 and await available(app, b) == 500
    assert await entries_sum_zero(app)
    # and a later order changes nothing frozen
    await pay(app, world, c, 99999)
    assert (await board(client, world.brand_token, cid))["rows"] == frozen["rows"]
    mine = await board(client, world.partner_tokens[0], cid)
    assert mine["my_bonus_minor"] == 300 and mine["rows"][0]["mine"]


async def test_team_prize_is_split_by_counted_gmv(app, client):
    world = await pk_world(app, client, partners=3)
    a, b, c = world.partners
    body = competition_body(
        entrants={"teams": [{"name": "Duo", "partner_ids": [a, b]}, {"name": "Solo", "partner_ids": [c]}]},
        prize_tiers=[{"rank_from": 1, "rank_to": 1, "kind": "fixed", "amount": "1000"}],
    )
    cid = (await create_competition(client, world, body))["id"]
    await pay(app, world, a, 2000)
    await pay(app, world, b, 1000)
    await pay(app, world, c, 2500)
    await close(client, world, cid)
    await app.state.dispatcher.drain()
    # 10.00 shared 2:1 exactly (667 + 333), Solo second with no prize
    assert [await available(app, p) for p in (a, b, c)] == [667, 333, 0]


async def test_refunds_after_close_follow_each_rule_and_the_reports_tie_out(app, client):
    # given two competitions over the same orders, one `final`, one `adjust_bonus` (3 % for first)
    world = await pk_world(app, client, partners=2)
    a, b = world.partners
    final = (await create_competition(client, world, competition_body(world.partners)))["id"]
    adjust = (
        await create_competition(client, world, competition_body(world.partners, after_close_refunds="adjust_bonus"))
    )["id"]
    order = await pay(app, world, a, 10000)
    await pay(app, world, b, 100)
    await close(client, world, final)
    await close(client, world, adjust)
    # when 3,333 of a's 10,000 is refunded after the close, then 1,000 more, and the first is replayed
    first = await refund(app, order, 3333, 3333)
    await refund(app, order, 1000, 4333)
    await emit_events(app, ("OrderRefunded", first))
    # then under `final` the bonus stands (300); under `adjust_bonus` it is recomputed on 5,667:
    # 3 % = 170 (half-even), so 130 is clawed back in two reversing transactions, one per refund
    reversals = await transactions(app, "pk_bonus_reversed")
    assert len(reversals) == 2 and {t.external_ref for t in reversals} == {adjust}
    assert await available(app, a) == 300 + 170
    # and the fixed 5.00 of the runner-up stands in both; the frozen rankings are unchanged
    assert await available(app, b) == 500 + 500
    for cid in (final, adjust):
        assert [r["score"] for r in (await board(client, world.brand_token, cid))["rows"]] == [10000, 100]
    assert await entries_sum_zero(app)
    # and the partner's statement lists the bonuses as their own lines and ties out
    statement = (await client.get(f"/api/v1/partners/{a}/statement", headers=auth(world.admin))).json()
    cny = statement["currencies"][0]
    assert cny["pk_bonus_minor"] == 600 and cny["pk_bonus_reversed_minor"] == 130 and cny["ties_out"]
    assert {line["reason"] for line in statement["lines"]} >= {"pk_bonus", "pk_bonus_reversed", "commission_accrued"}
    csv = (await client.get(f"/api/v1/partners/{a}/statement.csv", headers=auth(world.admin))).text
    assert f",pk_bonus,{adjust},available,CNY,300" in csv and ",pk_bonus_reversed," in csv
    # and the reconciliation balances with bonuses present (payouts aside: no Stripe here)
    recon = (await client.get("/api/v1/finance/reconciliation", headers=auth(world.admin))).json()
    commission = recon["commission"][0]
    assert commission["pk_bonus_minor"] == 1600 and commission["pk_bonus_reversed_minor"] == 130
    assert commission["frozen_pk_prizes_minor"] == 1470
    assert [m for m in recon["mismatches"] if m["section"] != "payouts"] == [], recon["mismatches"]
    recon_csv = (await client.get("/api/v1/finance/reconciliation.csv", headers=auth(world.admin))).text
    assert "pk_bonus_minor" in recon_csv.splitlines()[0]
    brand = (await client.get(f"/api/v1/brands/{world.brand_id}/statement", headers=auth(world.admin))).json()
    assert brand["currencies"][0]["pk_bonuses_minor"] == 1470


async def test_concurrent_closes_freeze_and_pay_once(postgres_db_url):
    app = create_app(make_settings(postgres_db_url))
    async with AsyncTestClient(app=app) as client:
        world = await pk_world(app, client, partners=2)
        cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
        await pay(app, world, world.partners[0], 10000)
        # when the brand's close button is pressed twice at once
        responses = await asyncio.gather(*(close(client, world, cid) for _ in range(2)))
        # then one close wins, the other is 409, and the results and the winner's bonus exist once
        assert sorted(r.status_code for r in responses) == [200, 409]
        await app.state.dispatcher.drain()
        assert (await pk_row_counts(app))[2] == 2
        assert [t.idempotency_key for t in await transactions(app, "pk_bonus")] == [
            f"pk_bonus:{cid}:{world.partners[0]}"
        ]
