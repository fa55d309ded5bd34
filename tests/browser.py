"""Headless Chromium (Debian's `chromium`) driven by Playwright, for the page tests."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator

import pytest

from tests import services
from tests.live_server import CHROMIUM, CHROMIUM_ARGS


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[object]:
    """An async Playwright Browser; skips (locally) or fails (CI) if Chromium is not installed."""
    if not os.path.exists(CHROMIUM):  # noqa: ASYNC240 - a single stat before launching
        message = f"Chromium not found at {CHROMIUM}: `apt-get install chromium` (or set ZX_CHROMIUM)"
        if services.services_required():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
