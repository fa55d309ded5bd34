"""Segments over buyer profiles: the Nayuki tiers at their boundaries (1, 2, 5, 6 purchases),
recency, spend, SKU, partner and tag rules, a rule that cannot match (422 problem+json), and
tenancy (a brand counts only its own buyers and cannot reach another's segments)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from distribution.buyers.models import BuyerProfile
from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_buyers import paid
from tests.factories_commission import emit_events

TIERS = {
    "once": {"max_orders": 1},
    "two to five": {"min_orders": 2, "max_orders": 5},
    "more than five": {"min_orders": 6},
}


async def brand_desk(app: Any, client: Any) -> tuple[str, dict[str, str]]:
    brand = (await make_brand(client, await make_token(app, "admin")))["id"]
    return brand, auth(await make_token(app, "brand", brand_id=brand))


async def buyers_with(app: Any, brand: str, purchases: dict[str, int], **extra: Any) -> None:
    events = [("OrderPaid", paid(brand, email, 1000, **extra)) for email, n in purchases.items() for _ in range(n)]
    await emit_events(app, *events)


async def counted(client: Any, brand: str, headers: dict[str, str], rules: dict[str, Any]) -> int:
    answer = await client.post(f"/api/v1/brands/{brand}/segments/count", json=rules, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()["buyers"]  # type: ignore[no-any-return]


async def test_the_nayuki_tiers_split_buyers_at_1_2_5_and_6_purchases(app, client):
    # given buyers with 1, 2, 5 and 6 purchases
    brand, desk = await brand_desk(app, client)
    await buyers_with(app, brand, {"one@x.cn": 1, "two@x.cn": 2, "five@x.cn": 5, "six@x.cn": 6})
    # when the three tiers are defined
    made = {}
    for name, rules in TIERS.items():
        answer = await client.post(
            f"/api/v1/brands/{brand}/segments", json={"name": name, "rules": rules}, headers=desk
        )
        assert answer.status_code == 201, answer.text
        made[name] = answer.json()["count"]["buyers"]
    # then 1 is "once", 2 and 5 are "two to five", 6 is "more than five"
    assert made == {"once": 1, "two to five": 2, "more than five": 1}
    for exactly in (1, 2, 5, 6):
        assert await counted(client, brand, desk, {"min_orders": exactly, "max_orders": exactly}) == 1
    listed = (await client.get(f"/api/v1/brands/{brand}/segments", headers=desk)).json()["items"]
    assert [(s["name"], s["count"]["buyers"]) for s in listed] == list(made.items())


async def test_recency_spend_partner_and_consent_rules(app, client):
    brand, desk = await brand_desk(app, client)
    long_ago = utcnow() - timedelta(days=90)
    await buyers_with(app, brand, {"old@x.cn": 1}, paid_at=long_ago)
    await buyers_with(app, brand, {"new@x.cn": 3}, consent=True, partner_id="ptn_own")
    assert await counted(client, brand, desk, {"bought_within_days": 30}) == 1
    assert await counted(client, brand, desk, {"not_bought_within_days": 60}) == 1
    assert await counted(client, brand, desk, {"min_spend_minor": 3000}) == 1  # 3 × 1000
    assert await counted(client, brand, desk, {"max_spend_minor": 2999}) == 1
    assert await counted(client, brand, desk, {"partner_id": "ptn_own"}) == 1
    everyone = await client.post(f"/api/v1/brands/{brand}/segments/count", json={}, headers=desk)
    assert everyone.json() == {"buyers": 2, "consented": 1}


async def test_sku_and_tag_rules(app, client):
    brand, desk = await brand_desk(app, client)
    sku = await make_sku(client, desk["Authorization"].split()[-1], brand)
    await buyers_with(app, brand, {"tea@x.cn": 1}, sku_id=sku["id"])
    await buyers_with(app, brand, {"cake@x.cn": 1})
    async with app.state.sessionmaker() as session:
        row = (await session.exec(select(BuyerProfile).where(BuyerProfile.brand_id == brand))).first()
        assert row is not None
        row.tags = ["vip"]
        session.add(row)
        await session.commit()
    assert await counted(client, brand, desk, {"sku_id": sku["id"]}) == 1
    assert await counted(client, brand, desk, {"tag": "vip"}) == 1
    assert await counted(client, brand, desk, {"tag": "vi"}) == 0  # a whole tag, not a prefix


@pytest.mark.parametrize(
    "rules",
    [
        {"min_orders": 6, "max_orders": 5},
        {"min_spend_minor": 10, "max_spend_minor": 9},
        {"bought_within_days": 30, "not_bought_within_days": 60},
        {"max_orders": 0, "sku_id": "sku_x"},
        {"min_orders": -1},
        {"colour": "red"},
    ],
)
async def test_a_rule_that_cannot_match_is_422_and_nothing_is_saved(app, client, rules):
    brand, desk = await brand_desk(app, client)
    answer = await client.post(f"/api/v1/brands/{brand}/segments", json={"name": "never", "rules": rules}, headers=desk)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert (await client.get(f"/api/v1/brands/{brand}/segments", headers=desk)).json()["items"] == []


async def test_a_brand_counts_only_its_own_buyers_and_cannot_reach_another_brands_segments(app, client):
    mine, my_desk = await brand_desk(app, client)
    theirs, their_desk = await brand_desk(app, client)
    await buyers_with(app, mine, {"a@x.cn": 1})
    await buyers_with(app, theirs, {"a@x.cn": 1, "b@x.cn": 1})
    assert await counted(client, mine, my_desk, {}) == 1
    for path in ("", "/count"):
        method = client.get if path == "" else client.post
        kwargs = {"json": {}} if path else {}
        answer = await method(f"/api/v1/brands/{theirs}/segments{path}", headers=my_desk, **kwargs)
        assert answer.status_code == 404, answer.text
    their_sku = await make_sku(client, their_desk["Authorization"].split()[-1], theirs)
    refused = await client.post(
        f"/api/v1/brands/{mine}/segments/count", json={"sku_id": their_sku["id"]}, headers=my_desk
    )
    assert refused.status_code == 422 and "never match" in refused.json()["detail"]
