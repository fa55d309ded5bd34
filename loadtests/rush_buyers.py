"""The buyers of `python -m loadtests rush`, in a process of their own (aiohttp on uvloop): when
the SKU is pinned, each buyer in turn — spread evenly over the buying window — adds one unit to
the cart and checks out, as the live room page does over HTTP. Only the checkout is timed.

`reserve` is the checkout as measured: the one request that reserves the stock (what
`bench_flashsale` measures). If checkout later takes more calls (e.g. the payment created in a
separate request after the reservation), they belong after it, not in its timing."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import uvloop

REQUEST_TIMEOUT_S = 60.0
PHASE_BOUND_S = 180.0  # every buyer is done (or given up on) by then, whatever the server does
RETRIES = 4  # a viewer told "busy, retry in a moment" taps again, a few times
CHECKOUT_BODY = {"contact": {"email": "buyer@example.com"}, "shipping_address": "1 Rush St"}


async def _post(http: aiohttp.ClientSession, url: str, body: dict[str, Any], headers: dict[str, str]) -> int | str:
    """POST like a client would: a 503 "busy" or a transport error is retried (up to RETRIES times,
    after the Retry-After it names) with the same headers, so an Idempotency-Key makes the retry the
    same request. The status or the error name."""
    for tries_left in range(RETRIES, -1, -1):
        try:
            async with http.post(url, json=body, headers=headers) as response:
                await response.read()
            if response.status != 503 or not tries_left:
                return response.status
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))
        except (aiohttp.ClientError, TimeoutError) as exc:
            if not tries_left:
                return type(exc).__name__
    raise AssertionError("unreachable")


async def add_to_cart(http: aiohttp.ClientSession, base: str, session_id: str, sku_id: str, vid: str) -> int | str:
    url = f"{base}/api/v1/sessions/{session_id}/cart/items"
    return await _post(http, url, {"sku_id": sku_id, "quantity": 1}, {"Cookie": f"zx_vid={vid}"})


async def reserve(http: aiohttp.ClientSession, base: str, session_id: str, vid: str) -> tuple[int | str, float]:
    """The checkout request that reserves the stock: (status or error name, seconds, retries included)."""
    headers = {"Cookie": f"zx_vid={vid}", "Idempotency-Key": f"rush-{vid}"}
    started = time.perf_counter()
    status = await _post(http, f"{base}/api/v1/sessions/{session_id}/checkout", CHECKOUT_BODY, headers)
    return status, time.perf_counter() - started


async def _buyers_main(
    base: str, session_id: str, sku_id: str, visitors: list[str], window_s: float, control: Any, report: Any
) -> None:
    connector = aiohttp.TCPConnector(limit=400)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        report.put(("ready", len(visitors), 0))
        await asyncio.get_running_loop().run_in_executor(None, control.get)  # the pin has been sent
        loop, results = asyncio.get_running_loop(), []
        start = loop.time()

        async def buyer(i: int, vid: str) -> None:
            await asyncio.sleep(max(0.0, start + i * window_s / len(visitors) - loop.time()))
            cart = await add_to_cart(http, base, session_id, sku_id, vid)
            status, seconds = await reserve(http, base, session_id, vid) if cart == 200 else ("no-cart", 0.0)
            results.append((cart, status, seconds, time.time()))

        tasks = [asyncio.ensure_future(buyer(i, vid)) for i, vid in enumerate(visitors)]
        _, pending = await asyncio.wait(tasks, timeout=PHASE_BOUND_S)
        for task in pending:
            task.cancel()
    report.put(("buyers", results, len(pending)))


def buyers_process(
    base: str, session_id: str, sku_id: str, visitors: list[str], window_s: float, control: Any, report: Any
) -> None:
    uvloop.run(_buyers_main(base, session_id, sku_id, visitors, window_s, control, report))
