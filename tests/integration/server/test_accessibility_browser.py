"""axe-core (the copy inside `axe-playwright-python`) over every page, at a desk (1366×900) and on
a phone (390×844), in Chinese and in English: no serious or critical violation anywhere.

`PAGES` is the one list: a page added to the app is one line here (its path, whose token, the
status it answers, and a selector that shows its script has filled it). The world behind it is one
live shop with a partner's link and a paid order through it, served with the Stripe test server.
The Swagger UI at /api/docs is a third party's page and is checked for working offline instead
(test_docs_offline_browser.py). Pages do not depend on the database flavour: SQLite only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from axe_playwright_python.async_playwright import Axe

from server.settings import Settings
from tests import test_only_routes
from tests.app_settings import stripe_settings
from tests.browser import chromium
from tests.database import empty_tables
from tests.factories import add_to_lineup, go_live, make_session, make_token
from tests.factories_buyers import consent_path, consenting_profile
from tests.factories_liveroom import serving
from tests.factories_orders import paid_through_link, partner_shop
from tests.factories_replays import attach_recording, end_show, pinned_in_turn
from tests.factories_webhooks import BrandDesk, register
from tests.stripe_connect_server import ConnectServer
from tests.stripe_server import StripeTestServer

pytestmark = pytest.mark.browser
SIZES = ({"width": 1366, "height": 900}, {"width": 390, "height": 844})
LOCALES = ("en-US", "zh-CN")
BLOCKING = ("serious", "critical")


@dataclass(frozen=True)
class PageCase:
    name: str
    path: str  # {session}, {order}, {link}, {brand} come from the world
    role: str | None = None  # whose token the browser carries: brand, partner, finance, admin or nobody
    status: int = 200
    ready: str = "main"


PAGES = [
    PageCase("front door", "/"),
    PageCase("sign in", "/signin"),
    PageCase("admin", "/admin", "admin"),
    PageCase("dead letters", "/admin/outbox", "admin"),
    PageCase("console, live", "/console?session={session}", "brand", ready="#lineup-rows tr"),
    PageCase("console, catalogue", "/console/catalogue", "brand", ready=".sku"),
    PageCase("console, schedule", "/console/schedule", "brand"),
    PageCase("console, orders", "/console/orders", "brand", ready="#order-rows tr"),
    PageCase("console, order", "/console/orders/{order}", "brand", ready="#split-rows tr"),
    PageCase("console, partners", "/console/partners", "brand"),
    PageCase("console, settings", "/console/settings", "brand"),
    PageCase("console, webhooks", "/console/webhooks", "brand", ready="#delivery-rows tr"),
    PageCase("console, dashboard", "/console/sessions/{session}/dashboard", "brand"),
    PageCase("console, report", "/console/sessions/{session}/report", "brand"),
    PageCase("console refused", "/console/catalogue", "finance", 403),
    PageCase("partner", "/partner", "partner"),
    PageCase("finance", "/finance", "finance"),
    PageCase("live room", "/live/{session}", ready="#lineup li"),
    PageCase("live room, replay", "/live/{replay}", ready="#chapter-list li"),
    PageCase("checkout", "/live/{session}/checkout"),
    PageCase("checkout return", "/live/{session}/checkout/return?order={order}&redirect_status=succeeded"),
    PageCase("buyer's order", "/orders/{order}"),
    PageCase("buyer consent", "{consent}", ready="#consent-state"),
    PageCase("buyer consent, dead link", "/buyers/consent/b1.byr_nosuchprofile.AAAA", status=404),
    PageCase("live room missing", "/live/ses_missing", status=404),
    PageCase("dead link", "/l/nosuchlink1", status=404),
    PageCase("share code box", "/s"),
    PageCase("share code unknown", "/s?q=ZX-AAAA-BBBB", status=404),
    PageCase("error 404", "/no/such/page", status=404),
    PageCase("error 403", "/finance", "partner", 403),
    PageCase("error 422", "/test-only/since?since=yesterday", "finance", 422),
    PageCase("error 500", "/test-only/boom", status=500),
]


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    empty_tables(sqlite_url)
    return sqlite_url


@pytest.fixture
def settings(db_url: str, localstripe: StripeTestServer, connect_server: ConnectServer) -> Settings:
    # payments on localstripe, payouts (the finance page's transfer check) on the Connect test server
    return stripe_settings(db_url, localstripe, stripe_connect_api_base=connect_server.base_url)


async def _world(app, client, localstripe) -> tuple[dict[str, str], dict[str, str]]:
    shop = await partner_shop(app, client)
    # an endpoint before the sale, so the webhooks page has a delivery in its log (never sent: no worker)
    await register(
        client, BrandDesk(shop.shop.brand_id, shop.shop.token), "https://erp.example.com/hooks", ["order.paid"]
    )
    order = await paid_through_link(app, client, localstripe, shop)
    tokens = {
        "brand": shop.shop.token,
        "partner": await make_token(app, "partner", partner_id=shop.partner_id),
        "finance": await make_token(app, "finance"),
        "admin": await make_token(app, "admin"),
    }
    values = {
        "replay": await _replay(app, client, shop.shop),
        "session": shop.shop.session_id,
        "order": order["id"],
        "link": shop.link_code,
        "brand": shop.shop.brand_id,
        "consent": await consent_path(app, await consenting_profile(app, shop.shop.brand_id)),
    }
    return tokens, values


async def _replay(app, client, shop) -> str:
    """A second show of the shop's brand, its SKU pinned, ended and made a replay."""
    session = await make_session(client, shop.token, shop.brand_id)
    await add_to_lineup(client, shop.token, session["id"], shop.sku_id)
    await go_live(client, shop.token, session["id"])
    await pinned_in_turn(client, shop.token, session["id"], [shop.sku_id])
    await end_show(client, shop.token, session["id"])
    await attach_recording(client, shop.token, session["id"], "http://127.0.0.1:9")
    await app.state.dispatcher.drain()
    return str(session["id"])


def _report(case: PageCase, locale: str, width: int, violations: list[dict]) -> list[str]:
    return [
        f"{case.name} [{locale} {width}px] {v['impact']} {v['id']}: {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
        if v.get("impact") in BLOCKING
    ]


async def _check(browser, host: str, tokens: dict[str, str], values: dict[str, str], locale: str, size) -> list[str]:
    axe, found = Axe(), []
    for case in PAGES:
        context = await browser.new_context(viewport=size, locale=locale)
        if case.role:
            await context.add_cookies([{"name": "zx_token", "value": tokens[case.role], "url": f"http://{host}"}])
        page = await context.new_page()
        answer = await page.goto(f"http://{host}{case.path.format(**values)}")
        assert answer is not None and answer.status == case.status, (case.name, answer and answer.status)
        await page.locator(case.ready).first.wait_for(state="attached", timeout=10000)
        result = await axe.run(page)
        found += _report(case, locale, size["width"], result.response["violations"])
        await context.close()
    return found


# One test per size and language, so the runs spread over the suite's workers and each has its own
# time limit (every page, at one size in one language, is some forty axe runs).
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size['width']}px")
async def test_no_serious_or_critical_violation_on_any_page(app, client, localstripe, size, locale):
    test_only_routes.mount(app)
    tokens, values = await _world(app, client, localstripe)
    async with serving(app) as host, chromium() as browser:
        found = await _check(browser, host, tokens, values, locale, size)
    assert not found, "axe-core found:\n" + "\n".join(found)
