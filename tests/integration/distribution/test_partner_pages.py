"""The pages without a browser: sign-in redirects, what each role sees, the partner's own device."""

from __future__ import annotations

from sqlmodel import select

from distribution.models import PartnerDevice
from tests.factories import make_token
from tests.factories_distribution import api_world, make_partner


async def test_pages_need_the_right_sign_in(app, client):
    world = await api_world(app, client)
    for path in ("/partner", "/console/partners"):
        client.cookies.clear()
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")
    client.cookies.set("zx_token", world.brand_token)
    assert (await client.get("/partner", follow_redirects=False)).status_code == 303  # a brand is not a partner
    brand_page = await client.get("/console/partners")
    assert brand_page.status_code == 200 and world.session["title"] in brand_page.text


async def test_partner_page_lists_links_and_remembers_the_partners_own_browser(app, client):
    world = await api_world(app, client)
    client.cookies.clear()
    client.cookies.set("zx_token", world.partner_token)
    client.cookies.set("zx_vid", "partners-own-phone")
    page = await client.get("/partner")
    assert page.status_code == 200
    assert world.link["url"] in page.text and world.link["qr_svg"] in page.text
    assert f'data-session="{world.session["id"]}"' in page.text
    async with app.state.sessionmaker() as session:
        devices = (await session.exec(select(PartnerDevice))).all()
    assert [(d.partner_id, d.visitor_id) for d in devices] == [(world.partner["id"], "partners-own-phone")]


async def test_a_partner_without_partnerships_sees_an_empty_console(app, client):
    admin = await make_token(app, "admin")
    partner = await make_partner(client, admin)
    client.cookies.set("zx_token", await make_token(app, "partner", partner_id=partner["id"]))
    page = await client.get("/partner")
    assert page.status_code == 200 and "No sessions yet" in page.text and 'id="funnel"' not in page.text
