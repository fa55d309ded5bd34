"""A dispute arriving while settlement runs (PostgreSQL, real row locks): whichever commits first,
the disputed share is never both frozen and paid without a clawback, no payout is sent twice, and
after the brand loses the reconciliation still ties out."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from commission.connect import ConnectGateway
from commission.release import release_matured
from commission.settlement import SettleRequest, settle
from server.kernel.clock import utcnow
from server.settings import Settings
from tests.app_settings import make_settings
from tests.factories import auth, make_token
from tests.factories_disputes import disputable_order, dispute_object, send
from tests.integration.disputes.ledger_views import partner_balances
from tests.stripe_connect_server import ConnectServer
from tests.stripe_server import WEBHOOK_SECRET

ROUNDS = 4


@pytest.fixture
def settings(postgres_db_url: str, connect_server: ConnectServer) -> Settings:
    return make_settings(
        postgres_db_url,
        stripe_api_key="sk_test_disputes",
        stripe_connect_api_base=connect_server.base_url,
        stripe_webhook_secret=WEBHOOK_SECRET,
    )


async def test_a_dispute_racing_settlement_is_frozen_or_clawed_back_never_lost(app, client, connect_server):
    for _ in range(ROUNDS):
        # given a partner with 10.00 available (released, not yet paid)
        sale = await disputable_order(app, client, stripe_account_id=connect_server.add_account())
        async with app.state.sessionmaker() as session:
            await release_matured(session, utcnow())
            await session.commit()
        dispute = dispute_object(sale["intent_id"], 10000)
        gateway = ConnectGateway(app.state.settings)
        # when the dispute arrives while settlement plans and pays
        report, _ = await asyncio.gather(
            settle(app.state.sessionmaker, gateway, SettleRequest(as_of=utcnow())),
            send(client, "charge.dispute.created", dispute),
        )
        # then the share is frozen either way; if it was paid first, available carries the clawback
        paid = sum(p["amount_minor"] for p in report.payouts if p["partner_id"] == sale["partner_id"])
        balances = await partner_balances(app, sale["partner_id"])
        assert balances.get("disputed") == 1000
        assert balances.get("paid", 0) == paid and balances.get("available", 0) == -paid
        # and when the brand loses, nothing is owed either way but a paid partner's clawback
        await send(client, "charge.dispute.closed", {**dispute, "status": "lost"})
        after = await partner_balances(app, sale["partner_id"])
        assert after == ({"available": -1000, "paid": 1000} if paid else {})
    transfers = [t["metadata"]["payout_id"] for t in connect_server.state.transfers.values()]
    assert len(transfers) == len(set(transfers))
    finance = await make_token(app, "finance")
    params = {
        "since": (utcnow() - timedelta(days=30)).isoformat(),
        "until": (utcnow() + timedelta(minutes=1)).isoformat(),
    }
    report = (await client.get("/api/v1/finance/reconciliation", params=params, headers=auth(finance))).json()
    assert report["mismatches"] == [], report["mismatches"]
