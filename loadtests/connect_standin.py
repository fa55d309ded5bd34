"""A minimal loopback stand-in for Stripe's transfers endpoint, for the settle benchmark.

Benchmarks may not import `tests/`, so this is its own small server (not a copy of the test
server): `POST /v1/transfers` with Stripe's idempotency-key replay and `GET /v1/transfers`, transfer
objects with the fields settlement reads. Run: `python -m loadtests.connect_standin --port N`."""

from __future__ import annotations

import argparse
import json
import secrets
import time

from aiohttp import web

TRANSFERS: dict[str, dict[str, object]] = {}
BY_KEY: dict[str, bytes] = {}


async def create_transfer(request: web.Request) -> web.Response:
    key = request.headers.get("Idempotency-Key", "")
    if key in BY_KEY:
        return web.Response(body=BY_KEY[key], content_type="application/json", headers={"Idempotent-Replayed": "true"})
    form = await request.post()
    transfer = {
        "id": f"tr_{secrets.token_hex(12)}",
        "object": "transfer",
        "amount": int(str(form["amount"])),
        "amount_reversed": 0,
        "currency": form["currency"],
        "destination": form["destination"],
        "transfer_group": form.get("transfer_group"),
        "created": int(time.time()),
        "livemode": False,
        "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
        "reversed": False,
    }
    TRANSFERS[str(transfer["id"])] = transfer
    BY_KEY[key] = json.dumps(transfer).encode()
    return web.Response(body=BY_KEY[key], content_type="application/json")


async def list_transfers(request: web.Request) -> web.Response:
    items = list(TRANSFERS.values())[-100:]
    return web.json_response({"object": "list", "data": items, "has_more": False, "url": "/v1/transfers"})


async def count(request: web.Request) -> web.Response:
    return web.json_response({"transfers": len(TRANSFERS)})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = web.Application()
    app.router.add_post("/v1/transfers", create_transfer)
    app.router.add_get("/v1/transfers", list_transfers)
    app.router.add_get("/_count", count)
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
