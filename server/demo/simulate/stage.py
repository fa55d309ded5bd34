"""Before the doors open: a fresh live session with the demo line-up, stock topped up, the hold
period cut to zero days (so this sale can settle today), each sharer's link and payout account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from server.demo.simulate.api import SaleApiError, call
from server.demo.simulate.config import SHARERS, SaleConfig
from server.demo.simulate.outcome import LinkShare, SaleOutcome

STOCK_FLOOR = 5000


async def open_session(brand: httpx.AsyncClient, outcome: SaleOutcome) -> list[dict[str, Any]]:
    """Schedule, line up every active SKU at a live price, go live; returns the line-up."""
    brand_id = (await call(brand, "GET", "/api/v1/brands"))["items"][0]["id"]
    outcome.brand_id = brand_id
    skus = (await call(brand, "GET", f"/api/v1/brands/{brand_id}/skus", params={"limit": 20}))["items"]
    start = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    stamp = datetime.now(UTC).strftime("%H:%M")
    live = await call(
        brand,
        "POST",
        f"/api/v1/brands/{brand_id}/sessions",
        json={"title": f"Simulated live sale {stamp}", "scheduled_start_at": start},
    )
    outcome.session_id = live["id"]
    for position, sku in enumerate(skus[:4]):
        if sku["stock"] < STOCK_FLOOR:  # several demo runs must not sell out the shop
            await call(brand, "PATCH", f"/api/v1/skus/{sku['id']}", json={"stock": STOCK_FLOOR})
        await call(
            brand,
            "POST",
            f"/api/v1/sessions/{live['id']}/lineup",
            json={"sku_id": sku["id"], "position": position, "live_price_minor": sku["price_minor"] * 8 // 10},
        )
    await call(brand, "POST", f"/api/v1/sessions/{live['id']}/state", json={"state": "live"})
    return list((await call(brand, "GET", f"/api/v1/sessions/{live['id']}/lineup"))["items"])


async def set_policy(brand: httpx.AsyncClient, brand_id: str) -> None:
    """A platform fee, and an override for a partner on its store guides' sales (so the tree earns)."""
    await call(
        brand,
        "PUT",
        f"/api/v1/brands/{brand_id}/commission-policy",
        json={"platform_fee_bps": "300", "parent_override_bps": "200"},
    )


# The fast-forward: the API settles only up to now, so for this sale the hold is 0 days and the
# return window closes at delivery; commission is released on completion, as for a new brand.
SALE_SETTINGS: dict[str, Any] = {"hold_period_days": 0, "return_window_days": 0, "release_on": "completion"}


async def shorten_hold(brand: httpx.AsyncClient, brand_id: str) -> dict[str, Any]:
    """Apply SALE_SETTINGS (each order freezes its hold and release rule when its OrderPaid is
    accrued, its return window when it is delivered). Returns the previous values."""
    current = await call(brand, "GET", f"/api/v1/brands/{brand_id}")
    settings = dict(current["settings"])
    previous = {key: settings.get(key) for key in SALE_SETTINGS}
    await call(brand, "PATCH", f"/api/v1/brands/{brand_id}", json={"settings": {**settings, **SALE_SETTINGS}})
    return previous


async def restore_hold(brand: httpx.AsyncClient, brand_id: str, previous: dict[str, Any]) -> None:
    current = await call(brand, "GET", f"/api/v1/brands/{brand_id}")
    kept = {key: value for key, value in previous.items() if value is not None}
    await call(brand, "PATCH", f"/api/v1/brands/{brand_id}", json={"settings": {**current["settings"], **kept}})


async def share_links(config: SaleConfig, partners: dict[str, httpx.AsyncClient], outcome: SaleOutcome) -> None:
    """Each sharer (partner or store guide) makes its own link to the session and onboards payouts."""
    onboarding = True
    for name in SHARERS:
        client = partners[name]
        me = await _me(client)
        link = await call(
            client,
            "POST",
            f"/api/v1/partners/{me['id']}/links",
            json={"target": "session", "session_id": outcome.session_id, "label": "Simulated sale"},
        )
        outcome.links[link["code"]] = LinkShare(name, me["id"], me.get("parent_id"), link["id"], link["code"])
        if not onboarding:
            continue
        try:
            await call(client, "POST", f"/api/v1/partners/{me['id']}/payout-account")
        except SaleApiError as exc:  # no Stripe Connect on the server: the sale goes on, payouts will not
            outcome.errors.append(f"payout onboarding (skipped for every partner): {exc}"[:300])
            onboarding = False


async def _me(client: httpx.AsyncClient) -> dict[str, Any]:
    """The partner a token acts for (`/api/v1/me`), with its parent (store guides have one)."""
    whoami = await call(client, "GET", "/api/v1/me")
    return dict(await call(client, "GET", f"/api/v1/partners/{whoami['partner_id']}"))
