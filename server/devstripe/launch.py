"""Start the Stripe test servers for a development `serve` and point the settings at them."""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import hashlib
import hmac
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import click
import httpx

API_KEY = "sk_test_zhixiang_devstripe"


@dataclass
class DevStripe:
    env: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    stops: list[Callable[[], None]] = field(default_factory=list)

    def stop(self) -> None:
        for stop in self.stops:
            with contextlib.suppress(Exception):
                stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM when `serve` exits, however it exits (uvicorn skips atexit on signals)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _start_localstripe(dev: DevStripe) -> str:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "server.devstripe.localstripe_main",
            "--port",
            str(port),
            "--from-scratch",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    atexit.register(process.terminate)
    dev.stops.append(process.terminate)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise click.ClickException("localstripe exited at start-up (is the dev extra installed?)")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base}/v1/customers", headers={"Authorization": f"Bearer {API_KEY}"}, timeout=1).is_success:
                return base
        time.sleep(0.1)
    raise click.ClickException("localstripe did not start within 15 s")


def _register_webhook(stripe_base: str, webhook_url: str, secret: str) -> None:
    httpx.post(
        f"{stripe_base}/_config/webhooks/zhixiang",
        data={"url": webhook_url, "secret": secret},
        headers={"Authorization": f"Bearer {API_KEY}"},
    ).raise_for_status()


def _start_connect(dev: DevStripe) -> tuple[str | None, str]:
    """The Connect server needs Stripe's reference objects (../shared/stripe/fixtures3.json)."""
    from server.devstripe.connect_server import ConnectServer, load_fixtures

    try:
        server = ConnectServer(load_fixtures())
    except FileNotFoundError as exc:
        return None, f"Connect test server not started ({exc}): payouts will fail"
    server.start()
    dev.stops.append(server.stop)
    return server.base_url, f"Stripe Connect test server on {server.base_url}"


def dev_webhook_secret(secret_key: str) -> str:
    """The dev servers' webhook secret, derived from SECRET_KEY (as the demo tokens are), so
    `zhixiang demo --simulate` can sign the Stripe events localstripe cannot make (disputes)."""
    digest = hmac.new(secret_key.encode(), b"dev stripe webhook", hashlib.sha256).hexdigest()[:24]
    return f"whsec_dev_{digest}"


def start_dev_stripe(public_base_url: str, webhook_secret: str | None = None) -> DevStripe:
    """localstripe + the Connect test server on loopback; returns the env the app should read."""
    try:
        import localstripe  # noqa: F401
    except ImportError:
        return DevStripe(notes=["localstripe is not installed (pip install -e '.[dev]'): payments stay disabled"])
    dev = DevStripe()
    stripe_base, secret = _start_localstripe(dev), webhook_secret or f"whsec_dev_{secrets.token_hex(12)}"
    _register_webhook(stripe_base, f"{public_base_url}/api/v1/payments/stripe/webhook", secret)
    connect_base, connect_note = _start_connect(dev)
    dev.env = {
        "STRIPE_API_KEY": API_KEY,
        "STRIPE_API_BASE": stripe_base,
        "STRIPE_WEBHOOK_SECRET": secret,
        "STRIPE_TEST_PAYMENTS": "1",
    }
    if connect_base:
        dev.env["STRIPE_CONNECT_API_BASE"] = connect_base
    dev.notes = [f"localstripe (Stripe test server) on {stripe_base}", connect_note]
    return dev


def apply(dev: DevStripe) -> None:
    os.environ.update(dev.env)
