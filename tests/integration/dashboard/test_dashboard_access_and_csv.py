"""Who sees a session's dashboard (its brand, an admin, finance; another brand gets 404, a partner
403, nobody signed in a redirect), its CSV export, and the dashboard frame of the console socket."""

from __future__ import annotations

import csv
import io

from tests.factories import auth, make_brand, make_token
from tests.factories_dashboard import PRICE_A, buyer, buys, end, sale
from tests.factories_liveroom import serving, viewer


async def test_another_brand_gets_404_and_a_partner_403_on_the_api_and_the_pages(app, client):
    world = await sale(app, client)
    admin = await make_token(app, "admin")
    other = await make_brand(client, admin)
    other_token = await make_token(app, "brand", brand_id=other["id"])
    partner = await make_token(app, "partner", partner_id=world.partner_id)
    api = f"/api/v1/sessions/{world.session_id}/dashboard"
    for url in (api, api + ".csv"):
        assert (await client.get(url, headers=auth(other_token))).status_code == 404
        assert (await client.get(url, headers=auth(partner))).status_code == 403
        assert (await client.get(url, headers=auth(admin))).status_code == 200
    assert (await client.get("/api/v1/sessions/lse_nope/dashboard", headers=auth(admin))).status_code == 404
    for page in ("dashboard", "report"):
        path = f"/console/sessions/{world.session_id}/{page}"
        assert (await client.get(path, cookies={"zx_token": other_token})).status_code == 404
        assert (await client.get(path, cookies={"zx_token": partner})).status_code == 403
        own = await client.get(path, cookies={"zx_token": world.shop.token})
        assert own.status_code == 200 and 'id="dashboard"' in own.text
        client.cookies.clear()
        anonymous = await client.get(path, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/signin")


async def test_the_report_exports_as_csv_with_its_figures_minutes_skus_and_partners(app, client, localstripe):
    world = await sale(app, client)
    shopper = await buyer(app, client, world, True)
    await buys(app, client, localstripe, world, shopper, world.shop.sku_id, 2)
    await end(client, world)
    await app.state.dispatcher.drain()
    response = await client.get(f"/api/v1/sessions/{world.session_id}/dashboard.csv", headers=auth(world.shop.token))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert f"session-report-{world.session_id}.csv" in response.headers["content-disposition"]
    sections = _sections(response.text)
    assert sections[0][1][0] == world.session_id and sections[0][1][2] == "ended"
    figures = dict(sections[1][1:])
    assert figures["gmv_minor"] == str(2 * PRICE_A) and figures["paid_orders"] == "1"
    minutes = sections[2]
    assert minutes[0][:4] == ["minute", "online", "gmv_minor", "orders"]
    assert [row[2] for row in minutes[1:]] == [str(2 * PRICE_A)]
    skus = sections[3]
    assert skus[1][0] == world.shop.sku_id and skus[1][2] == "2"
    partners = sections[4]
    assert [(r[0], r[7]) for r in partners[1:] if r[0] == world.partner_id] == [(world.partner_id, str(2 * PRICE_A))]


def _sections(text: str) -> list[list[list[str]]]:
    out: list[list[list[str]]] = [[]]
    for row in csv.reader(io.StringIO(text)):
        if row:
            out[-1].append(row)
        elif out[-1]:
            out.append([])
    return [s for s in out if s]


async def test_the_console_socket_pushes_the_dashboard_when_asked(app, client, localstripe):
    world = await sale(app, client)
    async with serving(app) as host:
        url = f"ws://{host}/ws/console/sessions/{world.session_id}?feed=dashboard&token={world.shop.token}"
        async with viewer(url) as console:
            first = await console.wait_for(lambda e: e["type"] == "dashboard")
            assert first["figures"]["gmv_minor"] == 0 and first["session_id"] == world.session_id
            # when a buyer pays, the next frame has the GMV (pushed, not asked for)
            await buys(app, client, localstripe, world, await buyer(app, client, world, False), world.shop.sku_id, 1)
            moved = await console.wait_for(lambda e: e["type"] == "dashboard" and e["figures"]["gmv_minor"] == PRICE_A)
            assert moved["figures"]["paid_orders"] == 1
        async with viewer(url.replace("feed=dashboard", "feed=nothing")) as plain:
            await plain.wait_for(lambda e: e["type"] == "sales")
            assert not plain.of_type("dashboard")
