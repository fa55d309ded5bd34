"""One simulated viewer: arrives through a partner's link (cookies kept), opens the room's
websocket, taps likes, maybe comments, and — if it is a buyer — carts, checks out and pays with
the test card, then stays a little while the brand talks."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import websockets

from server.demo.simulate.config import BROWSER_AGENT, SaleConfig
from server.demo.simulate.outcome import OrderMade, SaleOutcome

COMMENTS = [
    "Is the oolong roasted?",
    "Ordered!",
    "How many grams per pot?",
    "Love this gaiwan",
    "Can you show the leaves again?",
    "Does it ship to Shenzhen?",
    "这个茶好香",
    "Second time buying",
]
PAID_STATES = ("paid", "partially_refunded", "refunded")


@dataclass(frozen=True)
class Visit:
    number: int
    code: str | None  # the partner link followed; None = came straight to the room
    likes: list[int]  # like bursts (counts) sent over the socket
    comment: str | None
    buys: dict[str, Any] | None  # the line-up item bought (one unit), if a buyer


def plan_visits(config: SaleConfig, codes: list[str], lineup: list[dict[str, Any]]) -> list[Visit]:
    """Deterministic for a seed, so a test can replay the same sale and know what it drove."""
    rng = random.Random(config.seed)
    visits = []
    for n in range(config.viewers):
        code = None if rng.random() < config.direct_share else codes[n % len(codes)]
        likes = [rng.randint(1, 10) for _ in range(rng.randint(0, 4))]
        comment = rng.choice(COMMENTS) if rng.random() < 0.3 else None
        buys = rng.choice(lineup) if rng.random() < config.buy_share else None
        visits.append(Visit(n, code, likes, comment, buys))
    return visits


async def visit(
    config: SaleConfig,
    outcome: SaleOutcome,
    plan: Visit,
    payments: dict[str, bool],
    in_room: Callable[[], Awaitable[None]] | None = None,
) -> None:
    # Each viewer is its own phone: its own address in X-Forwarded-For (uvicorn trusts it from
    # loopback), so the server's per-IP click guard sees a crowd, not one machine.
    phone = {"User-Agent": BROWSER_AGENT, "X-Forwarded-For": f"10.77.{plan.number // 250}.{plan.number % 250 + 1}"}
    async with httpx.AsyncClient(base_url=config.base_url, follow_redirects=True, timeout=30, headers=phone) as http:
        room_path = await _arrive(http, outcome, plan)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        ws_path = room_path.replace("/live/", "/ws/sessions/", 1)
        async with websockets.connect(
            f"{config.ws_url}{ws_path}",
            additional_headers={"Cookie": cookie},
            user_agent_header=BROWSER_AGENT,
            open_timeout=20,
        ) as socket:
            await socket.recv()  # the room's snapshot
            drain = asyncio.create_task(_drain(socket))
            try:
                await _act(socket, outcome, plan)
                if plan.buys is not None and payments["enabled"]:
                    await _buy(http, outcome, plan, payments)
                await asyncio.sleep(config.dwell_s)
                if in_room is not None:  # stay until the brand has counted the room
                    await in_room()
            finally:
                drain.cancel()


async def _arrive(http: httpx.AsyncClient, outcome: SaleOutcome, plan: Visit) -> str:
    """Follow the link like a phone would; returns the room page path with its query (`?ref=`)."""
    path = f"/l/{plan.code}" if plan.code else f"/live/{outcome.session_id}"
    page = await http.get(path)
    page.raise_for_status()
    if plan.code:
        outcome.drove(plan.code).clicks += 1
    return page.url.raw_path.decode()


async def _drain(socket: Any) -> None:
    with contextlib.suppress(Exception):
        async for _ in socket:
            pass


async def _act(socket: Any, outcome: SaleOutcome, plan: Visit) -> None:
    driven = outcome.drove(plan.code)
    for count in plan.likes:
        await socket.send(json.dumps({"type": "like", "count": count}))
        driven.likes += count
        await asyncio.sleep(0.05)
    if plan.comment:
        await socket.send(json.dumps({"type": "comment", "text": plan.comment}))
        driven.comments += 1


async def _buy(http: httpx.AsyncClient, outcome: SaleOutcome, plan: Visit, payments: dict[str, bool]) -> None:
    sku_id, session_id = plan.buys["sku_id"], outcome.session_id  # type: ignore[index]
    # The cart is the HTTP call (its CartItemAdded event feeds the room's counters); sending the
    # socket's `cart` intent as well would count the same add twice in the partner funnel.
    outcome.drove(plan.code).cart_adds += 1
    params = {"ref": plan.code} if plan.code else {}
    added = await http.post(
        f"/api/v1/sessions/{session_id}/cart/items", params=params, json={"sku_id": sku_id, "quantity": 1}
    )
    added.raise_for_status()
    order = await _checkout(http, session_id, plan, payments)
    if order is None:
        return
    made = OrderMade(order["id"], plan.code, order["amount_minor"], order["currency"])
    made.visitor_id = http.cookies.get("zx_vid")
    outcome.orders.append(made)
    paid = await http.post(f"/api/v1/checkout/orders/{made.order_id}/test-payment")
    paid.raise_for_status()
    made.state = await _wait_paid(http, made.order_id)


async def _checkout(
    http: httpx.AsyncClient, session_id: str, plan: Visit, payments: dict[str, bool]
) -> dict[str, Any] | None:
    body = {
        "contact": {"name": f"Viewer {plan.number}", "email": f"viewer{plan.number}@example.com"},
        "shipping_address": f"{plan.number} Tea Street, Hangzhou",
    }
    answer = await http.post(
        f"/api/v1/sessions/{session_id}/checkout",
        json=body,
        headers={"Idempotency-Key": f"sim-{session_id}-{plan.number}"},
    )
    if answer.status_code == 503:  # no Stripe configured on the server: the sale goes on without purchases
        payments["enabled"] = False
        return None
    answer.raise_for_status()
    return dict(answer.json()["order"])


async def _wait_paid(http: httpx.AsyncClient, order_id: str, timeout_s: float = 30) -> str:
    """localstripe's signed webhook reaches the server about a second after the confirmation."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        state = str((await http.get(f"/api/v1/checkout/orders/{order_id}")).json()["state"])
        if state in PAID_STATES or state in ("failed", "expired", "cancelled"):
            return state
        await asyncio.sleep(0.3)
    return "pending"
