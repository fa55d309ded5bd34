"""Errors by who asks: a browser (Accept: text/html) gets a page in its language with the same
status, a sign-in redirect for a 401 on a page it opened, the request id on a 500; an API client
(JSON or anything) keeps its problem+json. Sign-in checks the token and lands on the role's page."""

from __future__ import annotations

import pytest

from tests import test_only_routes
from tests.factories import auth, make_brand, make_token
from tests.factories_distribution import make_partner

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ZH_BROWSER = {**BROWSER, "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


@pytest.fixture
def booming(app):
    return test_only_routes.mount(app)


async def test_a_browser_gets_pages_and_an_api_client_problems(booming, client):
    partner_id = (await make_partner(client, await make_token(booming, "admin")))["id"]
    partner = await make_token(booming, "partner", partner_id=partner_id)
    cases = [
        ("/no/such/page", {}, 404, "Page not found"),
        ("/finance", {"Cookie": f"zx_token={partner}"}, 403, "Not allowed"),
        ("/live/ses_nope/checkout", {}, 404, "Page not found"),
        ("/test-only/boom", {}, 500, "Something went wrong on our side"),
    ]
    for path, headers, status, title in cases:
        page = await client.get(path, headers={**BROWSER, **headers})
        assert page.status_code == status, (path, page.text[:300])
        assert page.headers["content-type"].startswith("text/html"), path
        assert f'<h1 id="error-title">{title}</h1>' in page.text and '<html lang="en">' in page.text
        client.cookies.clear()
        api = await client.get(path, headers={"Accept": "application/json", **headers})
        assert api.status_code == status and api.headers["content-type"] == "application/problem+json", path
        client.cookies.clear()
        anything = await client.get(path, headers=headers)  # no Accept at all: the API's answer
        assert anything.headers["content-type"] == "application/problem+json", path
        client.cookies.clear()


async def test_the_500_page_names_the_request_id_and_hides_the_exception(booming, client):
    page = await client.get("/test-only/boom", headers=BROWSER)
    request_id = page.headers["x-request-id"]
    assert f'<code id="request-id">{request_id}</code>' in page.text
    assert "on purpose" not in page.text and "RuntimeError" not in page.text


async def test_422_lists_the_fields_in_chinese(booming, client):
    finance = await make_token(booming, "finance")
    page = await client.get("/test-only/since?since=yesterday", headers={**ZH_BROWSER, "Cookie": f"zx_token={finance}"})
    assert page.status_code == 422
    assert '<html lang="zh-CN">' in page.text and "地址中的参数无效" in page.text
    assert "<code>since</code>" in page.text


async def test_401_on_a_page_is_a_redirect_to_sign_in_that_comes_back(app, client):
    page = await client.get("/admin?tab=tokens", headers=BROWSER, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/signin?next=/admin%3Ftab%3Dtokens"
    api = await client.get("/admin", headers={"Accept": "application/json"}, follow_redirects=False)
    assert api.status_code == 401 and api.headers["content-type"] == "application/problem+json"


async def test_sign_in_checks_the_token_and_lands_on_the_role_page(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    partner = await make_partner(client, admin)
    homes = {
        await make_token(app, "brand", brand_id=brand["id"]): "/console",
        await make_token(app, "partner", partner_id=partner["id"]): "/partner",
        await make_token(app, "finance"): "/finance",
        admin: "/admin",
    }
    for token, home in homes.items():
        signed = await client.post("/signin", data={"token": token}, follow_redirects=False)
        assert signed.status_code == 303 and signed.headers["location"] == home
        assert f"zx_token={token}" in signed.headers["set-cookie"]
        client.cookies.clear()
    back = await client.post("/signin", data={"token": admin, "next": "/admin/outbox"}, follow_redirects=False)
    assert back.headers["location"] == "/admin/outbox"
    client.cookies.clear()
    for elsewhere in ("//evil.example/x", "https://evil.example/", "/signout", "/\\evil.example"):
        kept_home = await client.post("/signin", data={"token": admin, "next": elsewhere}, follow_redirects=False)
        assert kept_home.headers["location"] == "/admin", elsewhere
        client.cookies.clear()
    wrong = await client.post("/signin", data={"token": "zx_b_not-a-token", "next": "/console"})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    assert "That token is not valid" in wrong.text and 'name="next" value="/console"' in wrong.text


async def test_the_admin_page_lists_brands_partners_and_token_hints(app, client):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin, name="Lumen Tea")
    partner = await make_partner(client, admin, name="Harbor Moms Circle")
    partner_token = await make_token(app, "partner", partner_id=partner["id"])
    page = await client.get("/admin", headers={**BROWSER, **auth(admin)})
    assert page.status_code == 200
    assert "Lumen Tea" in page.text and brand["id"] in page.text and "Harbor Moms Circle" in page.text
    assert partner_token[:10] in page.text and partner_token not in page.text  # the hint, never the token
    refused = await client.get("/admin", headers={**BROWSER, **auth(partner_token)})
    assert refused.status_code == 403 and "Not allowed" in refused.text
