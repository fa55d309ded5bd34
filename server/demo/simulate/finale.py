"""After the live: the brand refunds some orders, the ledger catches up (outbox), finance settles
and pays out through Stripe Connect, one more refund lands after the payout (a clawback), and
the reconciliation report is read back."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from typing import Any

import httpx

from server.demo.simulate.api import SaleApiError, call
from server.demo.simulate.config import SaleConfig
from server.demo.simulate.outcome import OrderMade, SaleOutcome

LEDGER_WAIT_S = 60
SETTLE_WAIT_S = 120


async def refund_some(config: SaleConfig, brand: httpx.AsyncClient, orders: list[OrderMade]) -> list[OrderMade]:
    """Refund `refund_share` of the paid orders: every other one in full, the rest half."""
    rng = random.Random(config.seed + 1)
    chosen = rng.sample(orders, round(len(orders) * config.refund_share)) if orders else []
    for n, order in enumerate(chosen):
        await refund(brand, order, None if n % 2 == 0 else order.amount_minor // 2)
    return chosen


async def refund(brand: httpx.AsyncClient, order: OrderMade, amount_minor: int | None) -> None:
    body: dict[str, Any] = {"reason": "simulated: buyer changed their mind"}
    if amount_minor is not None:
        body["amount_minor"] = amount_minor
    answer = await call(brand, "POST", f"/api/v1/orders/{order.order_id}/refunds", json=body)
    order.refunded_minor = int(answer.get("order_refunded_minor") or order.refunded_minor + answer["amount_minor"])


async def wait_for_ledger(finance: httpx.AsyncClient, orders: list[OrderMade]) -> list[str]:
    """Until every paid order has accrued and every refund is reversed; returns the laggards."""
    deadline = asyncio.get_running_loop().time() + LEDGER_WAIT_S
    waiting = list(orders)
    while waiting and asyncio.get_running_loop().time() < deadline:
        waiting = [o for o in waiting if not await _settled_in_ledger(finance, o)]
        if waiting:
            await asyncio.sleep(0.5)
    return [o.order_id for o in waiting]


async def _settled_in_ledger(finance: httpx.AsyncClient, order: OrderMade) -> bool:
    answer = await finance.get(f"/api/v1/orders/{order.order_id}/commission")
    return answer.status_code == 200 and int(answer.json()["refunded_minor"]) == order.refunded_minor


async def settle(finance: httpx.AsyncClient, partner_ids: list[str]) -> dict[str, Any]:
    for partner_id in partner_ids:  # small sellers get paid in a demo: the default minimum is 10.00
        await call(finance, "PUT", f"/api/v1/partners/{partner_id}/payout-settings", json={"minimum_payout_minor": 1})
    as_of = datetime.now(UTC).isoformat()
    job = await call(finance, "POST", "/api/v1/finance/settlements", json={"as_of": as_of})
    return await settlement_result(finance, str(job["id"]))


async def settlement_result(finance: httpx.AsyncClient, job_id: str) -> dict[str, Any]:
    """The settlement runs in the background: follow its job until it ends, then its report."""
    deadline = asyncio.get_running_loop().time() + SETTLE_WAIT_S
    while True:
        job = await call(finance, "GET", f"/api/v1/finance/settlement-jobs/{job_id}")
        if job["state"] != "running":
            if not job.get("result"):
                raise SaleApiError(f"settlement job {job_id} {job['state']}: {job.get('error')}")
            return dict(job["result"])
        if asyncio.get_running_loop().time() > deadline:
            raise SaleApiError(f"settlement job {job_id} still running after {SETTLE_WAIT_S} s")
        await asyncio.sleep(0.2)


async def reconcile(finance: httpx.AsyncClient) -> dict[str, Any]:
    return dict(await call(finance, "GET", "/api/v1/finance/reconciliation"))


async def clawback(brand: httpx.AsyncClient, finance: httpx.AsyncClient, outcome: SaleOutcome) -> OrderMade | None:
    """Refund one paid-out, attributed order in full after settlement: the partner's balance goes negative."""
    candidates = [o for o in outcome.paid if o.code and o.refunded_minor == 0]
    if not candidates:
        return None
    order = candidates[0]
    try:
        await refund(brand, order, None)
    except SaleApiError as exc:
        outcome.errors.append(f"clawback refund: {exc}")
        return None
    await wait_for_ledger(finance, [order])
    return order
