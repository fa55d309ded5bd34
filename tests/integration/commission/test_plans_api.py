"""Plans from the API: coexistence refused with a 409 reason, tenancy, versions not edited in
place, each accrued line and the preview naming the plan version, a decrease crossing midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import func, select

from commission.models import PlanVersion
from server.kernel import clock
from tests.factories import auth, make_brand, make_sku, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def brand_world(client, app):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    token = await make_token(app, "brand", brand_id=brand["id"])
    sku = await make_sku(client, token, brand["id"])
    partners = [await make_partner(app, brand_id=brand["id"]) for _ in range(2)]
    return brand["id"], auth(token), sku["id"], partners


async def plan_count(app) -> int:
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(func.count()).select_from(PlanVersion))).one()


async def partner_lines(client, headers, order_id):
    response = await client.get(f"/api/v1/orders/{order_id}/commission", headers=headers)
    assert response.status_code == 200, response.text
    return [(line["rate_bps"], line["rule"]) for line in response.json()["split_lines"] if line["party"] == "partner"]


async def test_coexistence_rules_each_refused_with_a_409_reason(client, app):
    brand_id, h, sku, (p1, p2) = await brand_world(client, app)
    url = f"/api/v1/brands/{brand_id}/plans"
    targeted = {"kind": "targeted", "sku_id": sku, "rate_bps": 1500, "partner_ids": [p1]}
    # a targeted plan needs the open plan listed first
    response = await client.post(url, json=targeted, headers=h)
    assert response.status_code == 409 and response.json()["rule"] == "open-first", response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.post(url, json={"kind": "open", "sku_id": sku, "rate_bps": 1000}, headers=h)
    ).status_code == 201
    assert (await client.post(url, json=targeted, headers=h)).status_code == 201
    # one open plan per SKU
    again = await client.post(url, json={"kind": "open", "sku_id": sku, "rate_bps": 900}, headers=h)
    assert again.status_code == 409 and again.json()["rule"] == "one-open"
    # exclusive periods never overlap; while one runs no new open or targeted plan
    now = datetime.now(UTC)
    exclusive = {"kind": "exclusive", "sku_id": sku, "rate_bps": 2500, "partner_ids": [p2]}
    period = {"starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=3)).isoformat()}
    assert (await client.post(url, json={**exclusive, **period}, headers=h)).status_code == 201
    later = {"starts_at": (now + timedelta(days=2)).isoformat(), "ends_at": (now + timedelta(days=9)).isoformat()}
    overlap = await client.post(url, json={**exclusive, **later}, headers=h)
    assert overlap.status_code == 409 and overlap.json()["rule"] == "exclusive-overlap"
    shop_open = await client.post(url, json={"kind": "open", "rate_bps": 500}, headers=h)
    assert shop_open.status_code == 409 and shop_open.json()["rule"] == "exclusive-running"
    assert await plan_count(app) == 3


async def test_a_plan_for_another_brands_sku_or_partner_is_404_and_nothing_is_written(client, app):
    brand_id, h, _, _ = await brand_world(client, app)
    _, other_h, other_sku, (stranger, _) = await brand_world(client, app)
    url = f"/api/v1/brands/{brand_id}/plans"
    assert (
        await client.post(url, json={"kind": "open", "sku_id": other_sku, "rate_bps": 1000}, headers=h)
    ).status_code == 404
    assert (await client.get(url, headers=other_h)).status_code == 404
    open_plan = await client.post(url, json={"kind": "open", "rate_bps": 1000}, headers=h)
    bad = await client.post(url, json={"kind": "targeted", "rate_bps": 1000, "partner_ids": [stranger]}, headers=h)
    assert bad.status_code == 404
    too_much = await client.post(f"{url}/{open_plan.json()['plan_id']}/versions", json={"rate_bps": 10001}, headers=h)
    assert too_much.status_code == 422
    assert await plan_count(app) == 1


async def test_each_line_names_its_plan_version_and_the_preview_does_too(client, app):
    brand_id, h, sku, (p1, p2) = await brand_world(client, app)
    url = f"/api/v1/brands/{brand_id}/plans"
    opened = (await client.post(url, json={"kind": "open", "sku_id": sku, "rate_bps": 1000}, headers=h)).json()
    raised = await client.post(f"{url}/{opened['plan_id']}/versions", json={"rate_bps": 1200}, headers=h)
    assert raised.status_code == 201 and raised.json()["version"] == 2  # an increase: in force at once
    order = order_paid_payload(brand_id, [(sku, 10000)], partner_id=p1)
    await emit_events(app, ("OrderPaid", order))
    assert await partner_lines(client, h, order["order_id"]) == [(1200, f"plan_open:{opened['plan_id']}@v2")]
    preview = await client.post(
        f"/api/v1/brands/{brand_id}/commission-preview", json={"partner_id": p2, "lines": [{"sku_id": sku}]}, headers=h
    )
    assert preview.status_code == 200, preview.text
    shares = [s for s in preview.json()["current"]["shares"] if s["party"] == "partner"]
    assert [s["rule"] for s in shares] == [f"plan_open:{opened['plan_id']}@v2"]
    versions = (await client.get(url, headers=h)).json()["items"]
    assert [(v["version"], v["rate_bps"]) for v in versions] == [(1, 1000), (2, 1200)]  # v1 kept, not edited


def move_clock_to(target: datetime) -> None:
    clock.advance((target - clock.utcnow()).total_seconds())


async def test_a_decrease_at_23_00_prices_orders_after_midnight_only(client, app):
    brand_id, h, sku, (p1, _) = await brand_world(client, app)
    url = f"/api/v1/brands/{brand_id}/plans"
    day = (datetime.now(SHANGHAI) + timedelta(days=1)).date()
    move_clock_to(
        datetime.combine(day, datetime.min.time(), tzinfo=SHANGHAI) - timedelta(hours=14)
    )  # 10:00 the day before
    opened = (await client.post(url, json={"kind": "open", "sku_id": sku, "rate_bps": 1000}, headers=h)).json()
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    move_clock_to(midnight - timedelta(hours=1))
    cut = await client.post(f"{url}/{opened['plan_id']}/versions", json={"rate_bps": 600}, headers=h)
    assert cut.status_code == 201, cut.text
    assert datetime.fromisoformat(cut.json()["effective_at"]) == midnight
    before = order_paid_payload(brand_id, [(sku, 10000)], partner_id=p1, paid_at=midnight - timedelta(seconds=1))
    after = order_paid_payload(brand_id, [(sku, 10000)], partner_id=p1, paid_at=midnight + timedelta(seconds=1))
    await emit_events(app, ("OrderPaid", before), ("OrderPaid", after))
    assert await partner_lines(client, h, before["order_id"]) == [(1000, f"plan_open:{opened['plan_id']}@v1")]
    assert await partner_lines(client, h, after["order_id"]) == [(600, f"plan_open:{opened['plan_id']}@v2")]
    # the partner sees the plan in force and the decrease scheduled
    partner_token = await make_token(app, "partner", partner_id=p1)
    seen = (await client.get(f"/api/v1/partners/{p1}/plans", headers=auth(partner_token))).json()["items"]
    assert [(v["version"], v["effective_at"] == cut.json()["effective_at"]) for v in seen] == [(1, False), (2, True)]


async def test_no_decrease_at_23_50_and_none_backdated(client, app):
    brand_id, h, sku, _ = await brand_world(client, app)
    url = f"/api/v1/brands/{brand_id}/plans"
    opened = (await client.post(url, json={"kind": "open", "sku_id": sku, "rate_bps": 1000}, headers=h)).json()
    versions = f"{url}/{opened['plan_id']}/versions"
    midnight = datetime.combine(datetime.now(SHANGHAI).date() + timedelta(days=2), datetime.min.time(), tzinfo=SHANGHAI)
    move_clock_to(midnight - timedelta(minutes=10))
    frozen = await client.post(versions, json={"rate_bps": 900}, headers=h)
    assert frozen.status_code == 409 and frozen.json()["type"].endswith("rate-decrease-frozen"), frozen.text
    backdated = await client.post(
        versions, json={"rate_bps": 1100, "effective_at": (midnight - timedelta(hours=1)).isoformat()}, headers=h
    )
    assert backdated.status_code == 422 and backdated.json()["type"].endswith("plan-change-backdated")
    assert await plan_count(app) == 1
