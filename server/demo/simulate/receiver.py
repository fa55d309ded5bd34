"""The brand's own system in the demo: a webhook receiver on loopback that verifies every signature
and keeps what it heard, registered for every order event before the doors open and removed after
(a server that is not on this machine cannot reach it: then the demo says so and goes on)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

from server.demo.simulate.api import SaleApiError, call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import SaleOutcome
from server.kernel.signed_post import SIGNATURE_HEADER, verify_signature
from server.webhooks.catalogue import EVENT_NAMES

WAIT_S = 20  # the server's worker sends every couple of seconds; retries would take longer


@dataclass
class Heard:
    url: str = ""
    secret: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    forged: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # set from the server's thread
    loop: asyncio.AbstractEventLoop = field(default_factory=asyncio.get_running_loop)

    def take(self, headers: Any, raw: bytes) -> int:
        if not verify_signature(self.secret, headers.get(SIGNATURE_HEADER, ""), raw):
            self.forged += 1
            return 401
        with self.lock:
            self.events.append(json.loads(raw))
        self.loop.call_soon_threadsafe(self.arrived.set)
        return 200

    def count(self, kind: str) -> int:
        return sum(1 for e in self.events if e["type"] == kind)


def _serve(heard: Heard) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            status = heard.take(self.headers, self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@contextlib.asynccontextmanager
async def brand_receiver(config: SaleConfig, brand: httpx.AsyncClient) -> AsyncIterator[Heard | None]:
    """A registered receiver for the sale, or None when the server cannot reach this machine."""
    if urlsplit(config.base_url).hostname not in ("127.0.0.1", "localhost", "::1"):
        config.say("(the server is not on this machine: no demo webhook receiver)")
        yield None
        return
    heard, server = Heard(), None
    server = _serve(heard)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    heard.url = f"http://127.0.0.1:{server.server_address[1]}/zhixiang"
    hooks, endpoint = "", None
    try:
        brand_id = (await call(brand, "GET", "/api/v1/brands"))["items"][0]["id"]
        hooks = f"/api/v1/brands/{brand_id}/webhooks"
        body = {"url": heard.url, "events": list(EVENT_NAMES), "description": "demo receiver"}
        endpoint = await call(brand, "POST", hooks, json=body)
        heard.secret = endpoint["secret"]
        config.say(f"the brand's own system listens for order webhooks at {heard.url}")
    except SaleApiError as exc:
        config.say(f"(no demo webhook receiver: {exc})")
    try:
        yield heard if endpoint else None
    finally:
        if endpoint:
            with contextlib.suppress(SaleApiError, httpx.HTTPError):
                await call(brand, "DELETE", f"{hooks}/{endpoint['id']}")
        server.shutdown()
        server.server_close()


async def report_heard(config: SaleConfig, heard: Heard | None, outcome: SaleOutcome) -> None:
    """Wait (boundedly) until every paid order, refund and completed order was heard, then say what arrived; the
    counts and anything wrong (a bad signature, an order's events out of order) go on the outcome."""
    if heard is None:
        return
    expected = {
        "order.paid": len(outcome.paid),
        "order.refunded": sum(1 for o in outcome.orders if o.refunded_minor),
        "order.completed": sum(1 for o in outcome.paid if o.fulfilment == "completed"),
    }
    deadline = time.monotonic() + WAIT_S
    while any(heard.count(kind) < n for kind, n in expected.items()):
        heard.arrived.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(heard.arrived.wait(), max(deadline - time.monotonic(), 0))
        if time.monotonic() >= deadline:
            break
    outcome.webhooks_heard = dict(Counter(e["type"] for e in heard.events))
    outcome.webhook_problems = [f"{heard.forged} bad signatures"] if heard.forged else []
    outcome.webhook_problems += [f"{order}: refund heard before payment" for order in _out_of_order(heard.events)]
    summary = ", ".join(f"{kind} ×{n}" for kind, n in sorted(outcome.webhooks_heard.items())) or "nothing"
    config.say(f"the brand's webhook receiver heard: {summary} (signatures verified: {heard.forged == 0})")


def _out_of_order(events: list[dict[str, Any]]) -> list[str]:
    paid: set[str] = set()
    wrong = []
    for event in events:
        order_id = event["data"].get("order_id")
        if event["type"] == "order.paid":
            paid.add(order_id)
        elif event["type"] == "order.refunded" and order_id not in paid:
            wrong.append(order_id)
    return wrong
