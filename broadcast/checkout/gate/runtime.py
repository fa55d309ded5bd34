"""The gate of one worker process, built by the app's lifespan from the settings (Redis when
configured, else memory) and kept on `app.state.stock_gate`. Every database session the app makes
carries it in `session.info`, so code deep in a transaction (closing an unpaid order) can give
units back after the commit without being handed the gate by every caller."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from broadcast.checkout.gate.keeper import GateKeeper
from broadcast.checkout.gate.memory import MemoryStockGate
from broadcast.checkout.gate.port import StockGate
from broadcast.checkout.gate.redis import RedisStockGate
from server.kernel.periodic import periodic

INFO_KEY = "stock_gate"


def build(app: Any) -> GateKeeper:
    settings, redis = app.state.settings, app.state.redis
    gate: StockGate = RedisStockGate(redis, settings.redis_namespace) if redis is not None else MemoryStockGate()
    return GateKeeper(gate, app.state.sessionmaker)


@asynccontextmanager
async def stock_gate_lifespan(app: Any) -> AsyncIterator[None]:
    keeper = build(app)
    app.state.stock_gate = keeper
    app.state.sessionmaker.configure(info={INFO_KEY: keeper})
    try:
        yield
    finally:
        await keeper.settled()


def of(app: Any) -> GateKeeper | None:
    keeper: GateKeeper | None = getattr(app.state, "stock_gate", None)
    return keeper


async def _reconcile_app(app: Any) -> None:
    keeper = of(app)
    if keeper is not None:
        await keeper.reconcile()


# LIFESPAN: compare every built gate with the database every `stock_gate_reconcile_interval_s` (0 = off).
reconciler = periodic(
    "stock-gate-reconciler", lambda app: app.state.settings.stock_gate_reconcile_interval_s, _reconcile_app
)
