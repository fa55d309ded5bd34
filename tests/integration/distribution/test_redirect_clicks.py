"""The tracked redirect: cookies, buffered clicks, de-duplication, bots, bad codes, and no click
lost on a clean shutdown (in-process buffer and Redis)."""

from __future__ import annotations

import pytest
import redis
from litestar.testing import AsyncTestClient
from sqlmodel import select

from distribution.clicks.stream import RedisClickBuffer
from distribution.clicks.token import verify_claim
from distribution.models import Click
from server.app import create_app
from tests.app_settings import TEST_SECRET, make_settings
from tests.factories import auth
from tests.factories_distribution import api_world

BROWSER = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) AppleWebKit/605.1.15 MicroMessenger/8.0"}


async def clicks(app):
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(Click).order_by(Click.clicked_at))).all()


async def pending(app):
    buffer = app.state.click_buffer
    if isinstance(buffer, RedisClickBuffer):  # the app's Redis client belongs to the app's event loop
        with redis.Redis.from_url(app.state.settings.redis_url) as client:
            return int(client.xlen(buffer.key)) + await buffer.fallback.pending()
    return await buffer.pending()


def set_cookies(response):
    return {c.split("=", 1)[0]: c for c in response.headers.get_list("set-cookie")}


@pytest.fixture
def settings(db_url):
    """The background flusher waits a minute here, so "not written yet" is not a race with it;
    each test drains the buffer itself."""
    return make_settings(db_url, click_flush_interval_ms=60_000)


async def test_click_redirects_with_signed_cookies_and_lands_in_the_clicks_table(app, client):
    world = await api_world(app, client)
    code = world.link["code"]
    client.cookies.clear()
    response = await client.get(f"/l/{code}", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == f"/live/{world.session['id']}?ref={code}"
    cookies = set_cookies(response)
    for name in ("zx_attr", "zx_vid"):
        assert "HttpOnly" in cookies[name] and "samesite=lax" in cookies[name].lower(), cookies[name]
    claim = verify_claim(TEST_SECRET, response.cookies["zx_attr"].strip('"'))
    assert claim is not None and claim.link_id == world.link["id"] and claim.partner_id == world.partner["id"]
    assert await clicks(app) == []  # buffered, not yet written: the redirect does not wait for the database
    await app.state.click_flusher.drain()
    [row] = await clicks(app)
    assert row.id == claim.click_id and row.visitor_id == response.cookies["zx_vid"] and not row.is_bot
    assert row.session_id == world.session["id"]


async def test_same_visitor_same_link_within_the_hour_counts_once(app, client):
    world = await api_world(app, client)
    client.cookies.clear()
    first = await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    second = await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    client.cookies.clear()
    another_visitor = await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    await app.state.click_flusher.drain()
    rows = await clicks(app)
    assert [r.is_duplicate for r in rows] == [False, True, False] and another_visitor.status_code == 302
    second_claim = verify_claim(TEST_SECRET, second.cookies["zx_attr"].strip('"'))
    assert second_claim.click_id == rows[1].id  # every cookie names a stored visit
    funnel = await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(world.partner_token))
    assert funnel.json()["partners"][0]["clicks"] == 2 and first.status_code == 302


async def test_bots_are_marked_and_not_counted(app, client):
    world = await api_world(app, client)
    for agent in ("Googlebot/2.1 (+http://www.google.com/bot.html)", "curl/8.5", ""):
        client.cookies.clear()
        response = await client.get(f"/l/{world.link['code']}", headers={"User-Agent": agent}, follow_redirects=False)
        assert response.status_code == 302
    await app.state.click_flusher.drain()
    assert [r.is_bot for r in await clicks(app)] == [True, True, True]
    funnel = await client.get(f"/api/v1/sessions/{world.session['id']}/funnel", headers=auth(world.partner_token))
    assert funnel.json()["partners"][0]["clicks"] == 0


async def test_bad_codes_land_on_a_friendly_page_and_record_nothing(app, client):
    world = await api_world(app, client)
    for code in ("doesnotexist1", "x", "a" * 40, "%21%21%21%21%21%21%21", world.link["code"] + "Z"):
        response = await client.get(f"/l/{code}", headers=BROWSER, follow_redirects=False)
        assert response.status_code == 404, code
        assert response.headers["content-type"].startswith("text/html") and "doesn" in response.text
        assert "zx_attr" not in set_cookies(response)
    assert await pending(app) == 0


async def test_suspended_partners_link_goes_to_the_session_without_attribution(app, client):
    world = await api_world(app, client)
    ship = (
        await client.get(f"/api/v1/partners/{world.partner['id']}/partnerships", headers=auth(world.partner_token))
    ).json()["items"][0]
    await client.post(
        f"/api/v1/partnerships/{ship['id']}/decision",
        json={"state": "suspended", "reason": "spam"},
        headers=auth(world.brand_token),
    )
    client.cookies.clear()
    response = await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == f"/live/{world.session['id']}"
    assert "zx_attr" not in set_cookies(response)
    assert await pending(app) == 0


@pytest.mark.parametrize("with_redis", [False, True], ids=["memory", "redis"])
async def test_clean_shutdown_writes_every_buffered_click(db_url, request, with_redis):
    extra = {}
    if with_redis:
        extra = {
            "redis_url": request.getfixturevalue("redis_url"),
            "redis_namespace": request.getfixturevalue("redis_namespace"),
        }
    app = create_app(make_settings(db_url, click_flush_interval_ms=60_000, **extra))
    async with AsyncTestClient(app=app) as client:
        world = await api_world(app, client)
        for _ in range(25):
            client.cookies.clear()
            assert (
                await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
            ).status_code == 302
        assert await pending(app) == 25
    # the lifespan has ended: everything buffered is in the database
    check = create_app(make_settings(db_url))
    assert len(await clicks(check)) == 25
    await check.state.engine.dispose()


async def test_many_clicks_from_one_address_are_marked_as_bots(db_url):
    app = create_app(make_settings(db_url, click_bot_ip_per_minute=2))
    async with AsyncTestClient(app=app) as client:
        world = await api_world(app, client)
        for _ in range(4):
            client.cookies.clear()
            await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
        await app.state.click_flusher.drain()
        assert sorted(r.is_bot for r in await clicks(app)) == [False, False, True, True]


async def test_an_unreachable_database_gives_a_friendly_page_not_a_500(app, client):
    class DatabaseDown:
        async def resolve(self, state, code):
            raise ConnectionRefusedError("database is down")

    app.state.link_resolver = DatabaseDown()
    response = await client.get("/l/abcdefghijk", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 503 and response.headers["content-type"].startswith("text/html")
    assert "try again" in response.text


async def test_clicks_are_still_written_while_redis_classification_fails(app, client):
    class Broken:
        dedupe_seconds, ip_per_minute = 3600, 0

        async def classify(self, batch):
            raise ConnectionError("redis is down")

    world = await api_world(app, client)
    app.state.click_flusher.classifier = Broken()
    client.cookies.clear()
    await client.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
    await app.state.click_flusher.drain()
    assert len(await clicks(app)) == 1 and await pending(app) == 0


async def test_only_a_get_is_a_click_other_methods_reach_the_framework(app, client):
    """The front door answers GET 302s itself; any other method goes to the framework (405) and
    records nothing."""
    world = await api_world(app, client)
    client.cookies.clear()
    for method in ("HEAD", "POST", "PUT"):
        response = await client.request(method, f"/l/{world.link['code']}", headers=BROWSER)
        assert response.status_code == 405, method
    assert await pending(app) == 0
    response = await client.get(f"/l/{world.link['code']}?group=ABCDEFGH", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302 and response.headers["content-length"] == "0"
    assert response.headers["location"] == f"/live/{world.session['id']}?ref={world.link['code']}&group=ABCDEFGH"
    assert await pending(app) == 1
