"""Headless Chromium driven by Playwright, for the page tests."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest

from tests import chromium as chromium_binary
from tests import services
from tests.live_server import CHROMIUM_ARGS


@contextlib.asynccontextmanager
async def chromium() -> AsyncIterator[object]:
    """An async Playwright Browser; skips (locally) or fails (CI) if no Chromium is found."""
    executable = chromium_binary.find()
    if executable is None:
        if services.services_required():
            pytest.fail(chromium_binary.missing_message(), pytrace=False)
        pytest.skip(chromium_binary.missing_message())
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
