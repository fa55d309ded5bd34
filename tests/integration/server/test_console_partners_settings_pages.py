"""The partners and settings pages without a browser: who may open them and whose brand they show
(a brand its own whatever it asks; an admin the one it names; anyone else is refused)."""

from __future__ import annotations

import pytest

from tests.factories import make_brand, make_token
from tests.factories_distribution import make_partner

PAGES = ["/console/partners", "/console/settings"]


@pytest.mark.parametrize("path", PAGES)
async def test_who_may_open_the_page_and_whose_brand_it_shows(app, client, path):
    admin = await make_token(app, "admin")
    mine, theirs = await make_brand(client, admin), await make_brand(client, admin)
    brand_token = await make_token(app, "brand", brand_id=mine["id"])
    partner = await make_partner(client, admin)
    # no token: to the sign-in, coming back here
    client.cookies.clear()
    response = await client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/signin?next={path}"
    # a partner is refused
    client.cookies.set("zx_token", await make_token(app, "partner", partner_id=partner["id"]))
    refused = await client.get(path)
    assert refused.status_code == 403 and "data-brand" not in refused.text
    # a brand sees its own, even when it names another
    client.cookies.set("zx_token", brand_token)
    own = await client.get(f"{path}?brand={theirs['id']}")
    assert own.status_code == 200 and f'data-brand="{mine["id"]}"' in own.text and theirs["id"] not in own.text
    assert 'aria-current="page"' in own.text
    # an admin names the brand, and without one is asked to
    client.cookies.set("zx_token", admin)
    assert "pick_brand" in (await client.get(path)).text
    named = await client.get(f"{path}?brand={theirs['id']}")
    assert named.status_code == 200 and f'data-brand="{theirs["id"]}"' in named.text
