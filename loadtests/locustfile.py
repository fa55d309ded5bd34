"""Locust scenarios for a live sale (loopback or a staging host you own):

- `Viewer`   joins through a partner's link, holds the room's websocket, taps likes, comments now
             and then; every websocket frame sent or received is reported to locust's statistics
             (type `WS`), so its UI and CSV show them beside the HTTP calls;
- `Audience` a sharer's audience clicking through links (a new visitor per click);
- `Buyer`    arrives through a link, carts a SKU, checks out and pays with the test card against
             the server's Stripe test server, and waits for the paid webhook.

    locust -f loadtests/locustfile.py --headless -u 50 -r 10 -t 30s --host http://127.0.0.1:8000

The sale is staged at start (see loadtests/sale_setup.py) unless ZX_SESSION_ID and ZX_LINK_CODES
are set."""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any

import gevent
import websocket
from locust import HttpUser, between, events, task

from loadtests.sale_setup import Sale, sale_for

AGENT = "Mozilla/5.0 (Linux; Android 14) Mobile ZhixiangLoadTest/1.0"
COMMENTS = ["好看!", "How much is shipping?", "Ordered two", "Show the leaves please", "Is this year's harvest?"]
SALE: dict[str, Sale] = {}


@events.test_start.add_listener
def _stage(environment: Any, **_: Any) -> None:
    try:
        SALE["sale"] = sale_for(environment.host)
    except Exception as exc:  # no sale, no load: one line and a non-zero exit instead of a user crash per user
        sys.stderr.write(
            f"cannot stage the sale: {exc}\n(same SECRET_KEY as the server, demo seeded? "
            "or set ZX_SESSION_ID and ZX_LINK_CODES)\n"
        )
        environment.process_exit_code = 1
        if environment.runner is not None:
            gevent.spawn_later(0, environment.runner.quit)


def sale() -> Sale:
    if "sale" not in SALE:  # a worker process that missed test_start (distributed runs)
        raise RuntimeError("no sale staged: set ZX_SESSION_ID and ZX_LINK_CODES for distributed runs")
    return SALE["sale"]


def report_ws(
    environment: Any, name: str, started: float, length: int, exc: Exception | None = None, kind: str = "WS"
) -> None:
    environment.events.request.fire(
        request_type=kind,
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=length,
        exception=exc,
        context={},
    )


class SaleUser(HttpUser):
    abstract = True

    def on_start(self) -> None:
        self.client.headers["User-Agent"] = AGENT

    def arrive(self) -> str:
        """Follow a random partner's link like a phone; the cookies (visitor, attribution) stay."""
        self.client.cookies.clear()
        code = random.choice(sale().codes)
        self.client.get(f"/l/{code}", name="/l/[code] → /live/[session]")
        return code


class Viewer(SaleUser):
    weight = 6
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        super().on_start()
        code = self.arrive()
        url = f"{self.host.replace('http', 'ws', 1)}/ws/sessions/{sale().session_id}?ref={code}"
        cookie = "; ".join(f"{k}={v}" for k, v in self.client.cookies.items())
        started = time.perf_counter()
        try:
            self.socket = websocket.create_connection(
                url, header=[f"Cookie: {cookie}", f"User-Agent: {AGENT}"], timeout=15
            )
            report_ws(self.environment, "connect /ws/sessions/[session]", started, 0)
        except Exception as exc:
            report_ws(self.environment, "connect /ws/sessions/[session]", started, 0, exc)
            raise
        self.reader = gevent.spawn(self._read)

    def _read(self) -> None:
        """Every frame the room sends counts as a received message of its event type (time 0: a
        push has no request to time); an `error` event is a failure with the room's reason."""
        while True:
            try:
                frame = self.socket.recv()
            except Exception:
                return
            if not frame:
                return
            event = json.loads(frame) if frame.startswith("{") else {"type": "batch"}
            kind = str(event.get("type", "?"))
            problem = RuntimeError(f"{event.get('code')}: {event.get('detail')}") if kind == "error" else None
            report_ws(self.environment, f"recv {kind}", time.perf_counter(), len(frame), problem)

    def send(self, name: str, payload: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            frame = json.dumps(payload)
            self.socket.send(frame)
            report_ws(self.environment, f"send {name}", started, len(frame))
        except Exception as exc:
            report_ws(self.environment, f"send {name}", started, 0, exc)

    @task(10)
    def like(self) -> None:
        self.send("like", {"type": "like", "count": random.randint(1, 5)})

    @task(1)
    def comment(self) -> None:
        self.send("comment", {"type": "comment", "text": random.choice(COMMENTS)})

    def on_stop(self) -> None:
        self.reader.kill(block=False)
        self.socket.close()


class Audience(SaleUser):
    weight = 3
    wait_time = between(0.2, 1.0)

    @task
    def click_through(self) -> None:
        self.arrive()


class Buyer(SaleUser):
    weight = 1
    wait_time = between(1.0, 3.0)

    def on_start(self) -> None:
        super().on_start()
        # Each buyer is its own phone (the server trusts X-Forwarded-For from loopback): open unpaid
        # holds are capped per client address (UNPAID_HOLDS_PER_CLIENT), not per load generator.
        self.client.headers["X-Forwarded-For"] = f"10.88.{random.randrange(256)}.{random.randrange(1, 255)}"

    @task
    def buy(self) -> None:
        code, session_id = self.arrive(), sale().session_id
        self.client.post(
            f"/api/v1/sessions/{session_id}/cart/items",
            params={"ref": code},
            json={"sku_id": random.choice(sale().sku_ids), "quantity": 1},
            name="/api/v1/sessions/[session]/cart/items",
        )
        order = self._checkout(session_id)
        if order is not None:
            self.client.post(
                f"/api/v1/checkout/orders/{order}/test-payment", name="/api/v1/checkout/orders/[order]/test-payment"
            )
            self._wait_paid(order)

    def _checkout(self, session_id: str) -> str | None:
        body = {"contact": {"email": "load@example.com"}, "shipping_address": "1 Load Test Road, Hangzhou"}
        with self.client.post(
            f"/api/v1/sessions/{session_id}/checkout",
            json=body,
            catch_response=True,
            headers={"Idempotency-Key": f"load-{random.getrandbits(64):016x}"},
            name="/api/v1/sessions/[session]/checkout",
        ) as response:
            if response.status_code == 503:
                response.failure("payments are disabled on the server (no STRIPE_API_KEY)")
                return None
            return str(response.json()["order"]["id"]) if response.status_code == 201 else None

    def _wait_paid(self, order_id: str) -> None:
        """The paid webhook arrives about a second later: one timed entry for payment → paid."""
        started = time.perf_counter()
        for _ in range(60):
            state = self.client.get(f"/api/v1/checkout/orders/{order_id}", name="/api/v1/checkout/orders/[order]")
            if state.ok and state.json()["state"] != "pending_payment":
                ok = state.json()["state"] == "paid"
                report_ws(
                    self.environment,
                    "paid (webhook round trip)",
                    started,
                    0,
                    None if ok else RuntimeError(state.json()["state"]),
                    kind="PAY",
                )
                return
            gevent.sleep(0.25)
        report_ws(
            self.environment, "paid (webhook round trip)", started, 0, TimeoutError("not paid in 15 s"), kind="PAY"
        )
