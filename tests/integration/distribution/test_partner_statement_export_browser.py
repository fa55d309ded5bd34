"""The partner page's "Download CSV" for a period with more lines than one request may stream: in
Chromium on a phone (390×844, Chinese), the page starts a background export, says how far it is,
and downloads the finished file — the same CSV the export API serves — instead of a refusal."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

import commission.services.statement_exports as statement_exports
from server.kernel.clock import utcnow
from tests.browser import chromium
from tests.factories import auth
from tests.factories_liveroom import serving
from tests.factories_partner_console import refund_after_payout
from tests.integration.distribution.test_partner_console_browser import _fits, _page, settings  # noqa: F401

pytestmark = pytest.mark.browser


async def test_a_long_statement_downloads_through_a_background_export(
    app, client, localstripe, connect_server, monkeypatch
):
    # given a partner's sale refunded after its payout, and a direct download capped at 2 lines
    monkeypatch.setattr(statement_exports, "DIRECT_MAX_LINES", 2)
    w = await refund_after_payout(app, client, localstripe, connect_server)
    base = f"/api/v1/partners/{w.shop.partner_id}"
    async with serving(app) as host, chromium() as browser:
        page = await _page(browser, host, w.partner_token, 390, 844, "zh-CN")
        await page.fill("#st-from", (utcnow() - timedelta(days=30)).date().isoformat())
        await page.fill("#st-until", utcnow().date().isoformat())
        await page.click("#statement-form button[type=submit]")
        await page.locator('#statement dl[data-currency="CNY"]').wait_for()
        # when the partner downloads the CSV
        async with page.expect_download(timeout=30_000) as info:
            await page.click("#statement-csv")
        data = await asyncio.to_thread(Path(await (await info.value).path()).read_text)
        # then it came from a finished export of that period, and the page said so in Chinese
        exports = await client.get(
            f"{base}/statement-exports/{(await info.value).url.split('/')[-2]}", headers=auth(w.partner_token)
        )
        assert exports.status_code == 200 and exports.json()["state"] == "finished"
        assert data == (await client.get(exports.json()["file_url"], headers=auth(w.partner_token))).text
        assert data.startswith("effective_at,transaction_id,") and "closing_balance" in data
        assert "CSV 已生成" in await page.text_content("#statement-export")
        await _fits(page, 390)
