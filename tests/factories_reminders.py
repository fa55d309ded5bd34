"""Factories for pre-live reminders: subscribing as a viewer, a real local webhook receiver
(`http.server` in a thread) that checks every signature, and one delivery pass."""

from __future__ import annotations

import contextlib
import itertools
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlmodel import select

from broadcast.reminders.confirm_tokens import make_token
from broadcast.reminders.delivery import DeliveryConfig, DeliveryReport, deliver_due
from broadcast.reminders.models import ReminderSubscription
from broadcast.reminders.notifiers import SIGNATURE_HEADER, verify_signature
from server.kernel.clock import as_utc
from tests.factories import auth

_seq = itertools.count(1)


def viewer(vid: str | None = None) -> dict[str, str]:
    return {"Cookie": f"zx_vid={vid or f'viewer-{next(_seq):06d}-reminders'}"}


async def subscribe(
    client: Any,
    session_id: str,
    headers: dict[str, str],
    channel: str = "email",
    address: str | None = None,
    *,
    confirmed: bool = True,
    **extra: Any,
) -> Any:
    """Subscribe, and (unless `confirmed=False`) confirm through the confirmation endpoint with the
    link's token, as the contact would after receiving it (double opt-in)."""
    body = {"channel": channel, "address": address or f"fan{next(_seq)}@example.com", **extra}
    response = await client.post(f"/api/v1/sessions/{session_id}/reminders", json=body, headers=headers)
    if confirmed and response.status_code in (200, 201):
        token = await confirmation_token(client.app, session_id, headers)
        if token is not None:
            answer = await confirm(client, token)
            assert answer.status_code == 200, answer.text
    return response


async def confirmation_token(app: Any, session_id: str, headers: dict[str, str]) -> str | None:
    """The token the latest confirmation link carries (None once confirmed), made as the sender makes it."""
    vid = headers["Cookie"].split("zx_vid=", 1)[1].split(";", 1)[0]
    async with app.state.sessionmaker() as db:
        stmt = select(ReminderSubscription).where(
            ReminderSubscription.session_id == session_id, ReminderSubscription.visitor_id == vid
        )
        sub = (await db.exec(stmt)).one()
    if sub.confirm_nonce is None or sub.confirm_expires_at is None:
        return None
    return make_token(app.state.settings.secret_key, sub.id, sub.confirm_nonce, as_utc(sub.confirm_expires_at))


async def confirm(client: Any, token: str) -> Any:
    return await client.post("/api/v1/reminders/confirmations", json={"token": token})


async def set_webhook(client: Any, token: str, brand_id: str, url: str) -> dict[str, Any]:
    response = await client.put(f"/api/v1/brands/{brand_id}/notifier", json={"url": url}, headers=auth(token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def deliver(app: Any, **config: Any) -> DeliveryReport:
    config.setdefault("egress", app.state.settings.egress_policy)  # loopback allowed outside production
    config.setdefault("secret_key", app.state.settings.secret_key)
    return await deliver_due(app.state.sessionmaker, DeliveryConfig(base_url="http://zx.test", **config))


@dataclass
class Receiver:
    """What the brand's messaging system saw. `statuses` are answered in turn, then 200."""

    secret: str = ""
    statuses: list[int] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    @property
    def delivered(self) -> list[dict[str, Any]]:
        return [c["body"] for c in self.calls if c["status"] == 200]

    def answer(self, headers: Any, raw: bytes) -> int:
        signed = verify_signature(self.secret, headers.get(SIGNATURE_HEADER, ""), raw)
        status = 401 if not signed else (self.statuses.pop(0) if self.statuses else 200)
        self.calls.append(
            {
                "status": status,
                "signed": signed,
                "body": json.loads(raw),
                "idempotency_key": headers.get("Idempotency-Key"),
                "event": headers.get("Zhixiang-Event"),
                "signature": headers.get(SIGNATURE_HEADER, ""),
                "raw": raw.decode(),
            }
        )
        return status


@contextlib.contextmanager
def webhook_receiver(statuses: list[int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(statuses=list(statuses or []))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(receiver.answer(self.headers, raw))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/zhixiang"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
