"""Settling through the API as finance does: start the background job, follow it to its end."""

from __future__ import annotations

from typing import Any

from server.kernel.clock import utcnow
from tests.factories import auth
from tests.waiting import eventually

JOB_WAIT_S = 30.0


async def wait_for_job(client: Any, token: str, job_id: str, timeout_s: float = JOB_WAIT_S) -> dict[str, Any]:
    """Poll the job until it is no longer running (bounded); its last state."""

    async def ended() -> dict[str, Any] | None:
        job = (await client.get(f"/api/v1/finance/settlement-jobs/{job_id}", headers=auth(token))).json()
        return dict(job) if job["state"] != "running" else None

    return await eventually(ended, timeout_s, f"settlement job {job_id} ended")


async def settle_via_api(client: Any, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST /finance/settlements (202, the job), then the run's report once the job has ended."""
    started = await client.post(
        "/api/v1/finance/settlements", json=body or {"as_of": utcnow().isoformat()}, headers=auth(token)
    )
    assert started.status_code == 202, started.text
    job = await wait_for_job(client, token, started.json()["id"])
    assert job["result"], job
    return dict(job["result"])


async def desk_world(app: Any, client: Any, connect_server: Any) -> dict[str, Any]:
    """A brand and four named partners as the finance desk meets them: Harbor Moms Circle owed
    30.00 (paid 20.00 before), Campus Deals clawed back −20.00 (its order refunded in full after
    its payout), Tea Lovers Club with no payout account, Guide Lin below its 50.00 minimum."""
    from datetime import timedelta

    from commission.connect import ConnectGateway
    from commission.settlement import SettleRequest, settle
    from tests.factories import make_brand, make_token
    from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload

    admin, finance = await make_token(app, "admin"), await make_token(app, "finance")
    brand = await make_brand(client, admin, name="Lumen Tea")
    old = utcnow() - timedelta(days=9)

    async def partner(name: str, account: bool, minimum: int) -> str:
        acct = connect_server.add_account() if account else None
        return await make_partner(
            app, brand_id=brand["id"], name=name, stripe_account_id=acct, minimum_payout_minor=minimum
        )

    harbor, campus = await partner("Harbor Moms Circle", True, 100), await partner("Campus Deals", True, 100)
    tea, lin = await partner("Tea Lovers Club", False, 100), await partner("Guide Lin", True, 5000)
    first = [order_paid_payload(brand["id"], [("sku_a", 20000)], partner_id=p, paid_at=old) for p in (harbor, campus)]
    await emit_events(app, *(("OrderPaid", o) for o in first))
    paid = await settle(app.state.sessionmaker, ConnectGateway(app.state.settings), SettleRequest(as_of=utcnow()))
    refund = order_refunded_payload(first[1], 20000, 20000)
    await emit_events(app, ("OrderRefunded", refund))
    later = [
        order_paid_payload(brand["id"], [("sku_a", 30000)], partner_id=harbor, paid_at=old),
        order_paid_payload(brand["id"], [("sku_a", 15000)], partner_id=tea, paid_at=old),
        order_paid_payload(brand["id"], [("sku_a", 25000)], partner_id=lin, paid_at=old),
    ]
    await emit_events(app, *(("OrderPaid", o) for o in later))
    return {
        "admin": admin,
        "finance": finance,
        "brand": brand,
        "harbor": harbor,
        "campus": campus,
        "tea": tea,
        "lin": lin,
        "first_run": paid,
        "refund": refund,
        "clawed_order": first[1],
        "harbor_order": later[0],
    }
