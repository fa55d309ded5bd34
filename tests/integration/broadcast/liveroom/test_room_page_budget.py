"""Slow phones: the room's own scripts and styles (live.js/css and the promotion partials' files)
stay under 100 KB together, no framework, and its images load lazily. The shared base (zx.js,
site.css) is counted separately; Stripe.js, the one third-party script, is not ours to weigh."""

from __future__ import annotations

import re

import httpx

from server.app import create_app
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.factories_liveroom import live_session, serving

BUDGET_BYTES = 100 * 1024
SHARED = {"/static/zx.js", "/static/site.css"}


async def test_the_room_page_weighs_under_100_kb(sqlite_url):
    empty_tables(sqlite_url)
    app = create_app(make_settings(sqlite_url))
    async with serving(app) as host, httpx.AsyncClient(base_url=f"http://{host}") as client:
        live = await live_session(app, f"http://{host}")
        html = (await client.get(f"/live/{live.session_id}")).text
        assets = set(re.findall(r'(?:src|href)="(/static/[^"?]+\.(?:js|css))"', html))
        sizes = {path: len((await client.get(path)).content) for path in assets}
    own = sum(size for path, size in sizes.items() if path not in SHARED)
    assert {"/static/live.js", "/static/live.css"} <= assets and assets >= SHARED
    assert own < BUDGET_BYTES, f"the room's own scripts and styles weigh {own} bytes: {sorted(sizes.items())}"
    assert not re.search(r"<img(?![^>]*loading=\"lazy\")", html), "an image that is not lazy"
