"""Every console page's <title> is in the reader's language: the tab a brand keeps open says
订单 or Orders, never English on a Chinese page."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_brand, make_token

ZH = {"Accept": "text/html", "Accept-Language": "zh-CN,zh;q=0.9"}
EN = {"Accept": "text/html", "Accept-Language": "en-US,en;q=0.9"}
PAGES = [
    ("/console", "品牌控制台", "Brand console"),
    ("/console/catalogue", "商品", "Catalogue"),
    ("/console/schedule", "排期", "Schedule"),
    ("/console/orders", "订单", "Orders"),
    ("/console/settings", "设置", "Settings"),
    ("/console/webhooks", "Webhook 推送", "Webhooks"),
]


@pytest.mark.parametrize(("path", "zh", "en"), PAGES)
async def test_a_console_page_is_titled_in_the_readers_language(app, client, path, zh, en):
    brand = await make_brand(client, await make_token(app, "admin"))
    token = await make_token(app, "brand", brand_id=brand["id"])
    for headers, want in ((ZH, zh), (EN, en)):
        page = await client.get(path, headers={**headers, "Cookie": f"zx_token={token}"})
        assert page.status_code == 200, (path, page.text[:300])
        title = re.search(r"<title>(.*?)</title>", page.text, re.S)
        assert title is not None and title.group(1).strip().startswith(want), (path, title and title.group(1))
