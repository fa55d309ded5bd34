"""`localstripe` (PyPI) on loopback: a real, stateful Stripe test server for PaymentIntents,
refunds and signed webhooks. Started as its own process on a free port.

Its gaps, which the project's own guards must cover (and the tests check they do):
- it ignores `Idempotency-Key` (a retried create makes a second object);
- it accepts refunds above the amount paid;
- it sends no refund events, and no `payment_intent.canceled` event on cancel;
- `confirm` with a `payment_method` argument is not implemented (set it with an update first);
- it posts a webhook about one second after the change, signed with the secret as given.
`python -m localstripe` pickles its whole store to /tmp/localstripe.pickle on every write (shared
with anyone else running it); `server.devstripe.localstripe_main` runs it with that turned off,
started by the launcher tests and benchmarks share (`server/ops/launcher.py`)."""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from server.ops.launcher import LOCALSTRIPE_KEY, free_port, serve_localstripe

API_KEY = LOCALSTRIPE_KEY
WEBHOOK_SECRET = "whsec_zhixiang_test_0123456789"


@dataclass
class StripeTestServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def register_webhook(self, url: str, secret: str = WEBHOOK_SECRET, name: str = "zx") -> None:
        """localstripe's own config endpoint: it will POST signed events to `url`."""
        response = httpx.post(
            f"{self.base_url}/_config/webhooks/{name}",
            data={"url": url, "secret": secret},
            headers={"Authorization": f"Bearer {API_KEY}"},
        )
        response.raise_for_status()

    def get(self, path: str, **params: str) -> dict[str, Any]:
        """Read an object or list straight from the test server (what Stripe holds)."""
        response = httpx.get(f"{self.base_url}{path}", params=params, headers={"Authorization": f"Bearer {API_KEY}"})
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    def refunds_of(self, intent_id: str) -> list[dict[str, Any]]:
        return self.get("/v1/refunds", payment_intent=intent_id)["data"]  # type: ignore[no-any-return]

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def run_localstripe(tmp_dir: Path | None = None, port: int | None = None) -> Iterator[StripeTestServer]:
    """On `port` (default: a free one); a test that stops Stripe starts it again on the same port."""
    with serve_localstripe(tmp_dir or Path("/tmp"), port) as served:
        yield StripeTestServer(served.base_url, served.process, served.log_path)


class RestartableStripe:
    """A localstripe of one test's own that it may stop (Stripe unreachable) and start again on the
    same address (Stripe back, its state empty: a new PaymentIntent is made, as after a real outage)."""

    def __init__(self, tmp_dir: Path) -> None:
        self.tmp_dir, self.port = tmp_dir, free_port()
        self.stack = contextlib.ExitStack()
        self.server = self.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> StripeTestServer:
        self.server = self.stack.enter_context(run_localstripe(self.tmp_dir, self.port))
        return self.server

    def stop(self) -> None:
        self.stack.close()
        self.stack = contextlib.ExitStack()


def stripe_events(stripe: StripeTestServer, intent_id: str) -> list[dict[str, Any]]:
    """The events localstripe recorded for one PaymentIntent (its own shapes), oldest first. Every
    page: a worker's server is shared by its tests, and localstripe lists oldest first, so a run
    past 100 events would otherwise never see the newest."""
    events: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 100}
    for _ in range(10_000):  # a bound, not a wait: each round reads one page
        response = httpx.get(
            f"{stripe.base_url}/v1/events", params=params, headers={"Authorization": f"Bearer {API_KEY}"}
        )
        response.raise_for_status()
        page = response.json()
        events += [e for e in page["data"] if e["data"]["object"].get("id") == intent_id]
        if not page.get("has_more") or not page["data"]:
            break
        params["starting_after"] = page["data"][-1]["id"]
    return sorted(events, key=lambda e: e["created"])
