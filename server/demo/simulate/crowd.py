"""The doors open: every planned visit runs, at most `concurrency` at a time, while the brand pins
the line-up's SKUs one after another."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from tqdm import tqdm

from server.demo.simulate.api import call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.full_room import FullRoom
from server.demo.simulate.outcome import SaleOutcome
from server.demo.simulate.viewer import Visit, visit

PIN_EVERY_S = 1.5


async def run_crowd(
    config: SaleConfig,
    outcome: SaleOutcome,
    visits: list[Visit],
    brand: httpx.AsyncClient,
    lineup: list[dict[str, Any]],
) -> dict[str, bool]:
    payments = {"enabled": True}
    gate = asyncio.Semaphore(config.concurrency)
    bar = tqdm(total=len(visits), unit="viewer", desc="viewers", disable=not config.progress)

    room = FullRoom(visits) if config.hold_room else None

    async def one(plan: Visit) -> None:
        await asyncio.sleep(plan.number * config.arrive_over_s / max(len(visits), 1))
        async with gate:
            try:
                await visit(config, outcome, plan, payments, room.wait_in_room if room else None)
            except Exception as exc:  # one viewer's failure is reported, the sale goes on
                outcome.errors.append(f"viewer {plan.number}: {type(exc).__name__}: {exc}"[:300])
            bar.update()

    done = asyncio.Event()
    pinning = asyncio.create_task(_pin_loop(brand, outcome, lineup, done))
    try:
        counting = [room.count(brand, outcome)] if room else []
        await asyncio.gather(*(one(plan) for plan in visits), *counting)
    finally:
        done.set()  # not cancel: a pin in flight must finish, or the tally would miss one the server made
        await pinning
        bar.close()
    return payments


async def _pin_loop(
    brand: httpx.AsyncClient, outcome: SaleOutcome, lineup: list[dict[str, Any]], done: asyncio.Event
) -> None:
    """The host explains one SKU after another, as a brand does on a live, until the crowd has left."""
    n = 0
    while not done.is_set():
        sku_id = lineup[n % len(lineup)]["sku_id"]
        try:
            await _pin(brand, outcome, sku_id)
        except Exception as exc:
            outcome.errors.append(f"pin: {type(exc).__name__}: {exc}"[:300])
        n += 1
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), PIN_EVERY_S)


async def _pin(brand: httpx.AsyncClient, outcome: SaleOutcome, sku_id: str) -> None:
    """One retry on a dropped connection (a kept-alive socket the server closed as we reused it)."""
    path = f"/api/v1/sessions/{outcome.session_id}/pin"
    try:
        await call(brand, "PUT", path, json={"sku_id": sku_id})
    except httpx.TransportError:
        await call(brand, "PUT", path, json={"sku_id": sku_id})
    outcome.pins += 1
