"""A Stripe-shaped Connect test server (loopback, aiohttp, a background thread) for the real `stripe`
SDK: accounts, account links, transfers and reversals, shaped like Stripe's fixtures (`stripe_http`).

Test controls: `refuse_destination(acct, code, message)` makes transfers to an account fail with a
Stripe 400; `die_after_transfers(n)` lets n more transfers be created, loses the response of the
n-th and then drops every connection (the server "died" after Stripe did the work) until
`revive()`. State (transfers, idempotency keys) survives a death, as Stripe's would."""

from __future__ import annotations

import asyncio
import copy
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from server.devstripe.stripe_http import (  # noqa: F401  (fixtures_path, load_fixtures: re-exported)
    Handler,
    drop,
    fixtures_path,
    idempotent,
    load_fixtures,
    missing,
    new_id,
    require_secret_key,
    stripe_error,
)


@dataclass
class ConnectState:
    fixtures: dict[str, Any]
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    refused: dict[str, tuple[str, str]] = field(default_factory=dict)
    transfers_until_death: int | None = None
    dead: bool = False
    transfer_requests: int = 0
    on_transfer: Callable[[int], None] | None = None  # called with the count after each transfer is created


class ConnectServer:
    def __init__(self, fixtures: dict[str, Any]) -> None:
        self.state = ConnectState(fixtures)
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None

    # ---- test controls -------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def refuse_destination(
        self,
        account_id: str,
        code: str = "account_invalid",
        message: str = "The destination account cannot receive transfers.",
    ) -> None:
        self.state.refused[account_id] = (code, message)

    def die_after_transfers(self, n: int) -> None:
        self.state.transfers_until_death = n

    def revive(self) -> None:
        self.state.dead, self.state.transfers_until_death = False, None

    def add_account(self, **fields: Any) -> str:
        account = self._new_account(fields)
        return str(account["id"])

    # ---- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        ready = threading.Event()
        threading.Thread(target=self._serve, args=(ready,), daemon=True, name="stripe-connect").start()
        if not ready.wait(10):
            raise RuntimeError("Stripe Connect test server did not start")

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def _serve(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(self.app(), access_log=None)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", self.port or 0)
        self._loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        ready.set()
        self._loop.run_forever()

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._dead_middleware, require_secret_key])
        app.router.add_post("/v1/accounts", self._idempotent(self.create_account))
        app.router.add_get("/v1/accounts/{id}", self.get_account)
        app.router.add_post("/v1/account_links", self._idempotent(self.create_account_link))
        app.router.add_post("/v1/transfers", self._idempotent(self.create_transfer))
        app.router.add_get("/v1/transfers", self.list_transfers)
        app.router.add_get("/v1/transfers/{id}", self.get_transfer)
        app.router.add_post("/v1/transfers/{id}/reversals", self._idempotent(self.create_reversal))
        app.router.add_get("/v1/transfers/{id}/reversals", self.list_reversals)
        return app

    # ---- middleware ------------------------------------------------------------------------
    @web.middleware
    async def _dead_middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if self.state.dead:
            return drop(request)
        response = await handler(request)
        if self.state.dead:  # the work was done, the answer never leaves
            return drop(request)
        return response

    def _idempotent(self, handler: Handler) -> Handler:
        return idempotent(self.state.idempotency, handler)

    # ---- resources -------------------------------------------------------------------------
    def _new_account(self, fields: dict[str, Any]) -> dict[str, Any]:
        account = copy.deepcopy(self.state.fixtures["account"])
        account_id = new_id("acct")
        account.update(
            id=account_id,
            created=int(time.time()),
            type=fields.get("type", "express"),
            country=fields.get("country", "US"),
            email=fields.get("email"),
            metadata=fields.get("metadata", {}),
        )
        account["external_accounts"]["url"] = f"/v1/accounts/{account_id}/external_accounts"
        self.state.accounts[account_id] = account
        return account

    async def create_account(self, request: web.Request) -> web.Response:
        form = await request.post()
        metadata = {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")}
        account = self._new_account(
            {
                "type": form.get("type", "express"),
                "country": form.get("country", "US"),
                "email": form.get("email"),
                "metadata": metadata,
            }
        )
        return web.json_response(account)

    async def get_account(self, request: web.Request) -> web.Response:
        account = self.state.accounts.get(request.match_info["id"])
        if account is None:
            return missing("account", request.match_info["id"])
        return web.json_response(account)

    async def create_account_link(self, request: web.Request) -> web.Response:
        form = await request.post()
        account_id = str(form.get("account", ""))
        if account_id not in self.state.accounts:
            return missing("account", account_id, param="account")
        link = copy.deepcopy(self.state.fixtures["account_link"])
        now = int(time.time())
        link.update(
            created=now, expires_at=now + 300, url=f"{self.base_url}/setup/s/{account_id}/{secrets.token_hex(6)}"
        )
        return web.json_response(link)

    async def create_transfer(self, request: web.Request) -> web.Response:
        form = await request.post()
        if self.state.dead:  # died while this request was being read
            return drop(request)
        self.state.transfer_requests += 1
        problem = self._transfer_problem(form)
        if problem is not None:
            return problem
        transfer = copy.deepcopy(self.state.fixtures["transfer"])
        transfer_id = new_id("tr")
        transfer.update(
            id=transfer_id,
            amount=int(str(form["amount"])),
            currency=str(form["currency"]),
            destination=str(form["destination"]),
            created=int(time.time()),
            transfer_group=form.get("transfer_group"),
            description=form.get("description"),
            balance_transaction=new_id("txn"),
            destination_payment=new_id("py"),
            metadata={k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
        )
        transfer["reversals"] = {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/transfers/{transfer_id}/reversals",
        }
        self.state.transfers[transfer_id] = transfer
        if self.state.on_transfer is not None:
            self.state.on_transfer(len(self.state.transfers))
        self._count_towards_death()
        return web.json_response(transfer)

    def _transfer_problem(self, form: Any) -> web.Response | None:
        amount = str(form.get("amount", ""))
        if not amount.isdigit() or int(amount) <= 0:
            return stripe_error(
                400, "invalid_request_error", "Invalid positive integer", "parameter_invalid_integer", "amount"
            )
        if not str(form.get("currency", "")).islower() or len(str(form.get("currency", ""))) != 3:
            return stripe_error(
                400, "invalid_request_error", "Invalid currency", "parameter_invalid_string", "currency"
            )
        destination = str(form.get("destination", ""))
        if destination not in self.state.accounts:
            return stripe_error(
                400, "invalid_request_error", f"No such destination: '{destination}'", "resource_missing", "destination"
            )
        if destination in self.state.refused:
            code, message = self.state.refused[destination]
            return stripe_error(400, "invalid_request_error", message, code, "destination")
        return None

    def _count_towards_death(self) -> None:
        if self.state.transfers_until_death is not None:
            self.state.transfers_until_death -= 1
            if self.state.transfers_until_death <= 0:
                self.state.dead = True

    async def list_transfers(self, request: web.Request) -> web.Response:
        q = request.query
        items = sorted(self.state.transfers.values(), key=lambda t: (t["created"], t["id"]), reverse=True)
        bounds = {op: int(q[f"created[{op}]"]) for op in ("gte", "gt", "lte", "lt") if f"created[{op}]" in q}
        checks = {
            "gte": lambda c, b: c >= b,
            "gt": lambda c, b: c > b,
            "lte": lambda c, b: c <= b,
            "lt": lambda c, b: c < b,
        }
        items = [t for t in items if all(checks[op](t["created"], b) for op, b in bounds.items())]
        if "starting_after" in q:
            ids = [t["id"] for t in items]
            items = items[ids.index(q["starting_after"]) + 1 :] if q["starting_after"] in ids else []
        limit = min(int(q.get("limit", "10")), 100)
        return web.json_response(
            {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": "/v1/transfers"}
        )

    async def get_transfer(self, request: web.Request) -> web.Response:
        transfer = self.state.transfers.get(request.match_info["id"])
        return web.json_response(transfer) if transfer else missing("transfer", request.match_info["id"])

    async def create_reversal(self, request: web.Request) -> web.Response:
        transfer = self.state.transfers.get(request.match_info["id"])
        if transfer is None:
            return missing("transfer", request.match_info["id"])
        form = await request.post()
        remaining = transfer["amount"] - transfer["amount_reversed"]
        amount = int(str(form.get("amount", remaining)))
        if amount <= 0 or amount > remaining:
            return stripe_error(
                400,
                "invalid_request_error",
                "Amount exceeds the transfer's unreversed amount.",
                "parameter_invalid_integer",
                "amount",
            )
        reversal = copy.deepcopy(self.state.fixtures["transfer_reversal"])
        reversal.update(
            id=new_id("trr"),
            amount=amount,
            currency=transfer["currency"],
            created=int(time.time()),
            transfer=transfer["id"],
            balance_transaction=new_id("txn"),
        )
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        transfer["reversals"]["data"].insert(0, reversal)
        return web.json_response(reversal)

    async def list_reversals(self, request: web.Request) -> web.Response:
        transfer = self.state.transfers.get(request.match_info["id"])
        if transfer is None:
            return missing("transfer", request.match_info["id"])
        return web.json_response(transfer["reversals"])


@contextmanager
def running_connect_server() -> Iterator[ConnectServer]:
    server = ConnectServer(load_fixtures())
    server.start()
    try:
        yield server
    finally:
        server.stop()
