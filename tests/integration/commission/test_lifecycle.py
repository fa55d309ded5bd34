"""OrderPaid → pending → (hold) available → settlement → paid; refunds reverse in proportion."""

from __future__ import annotations

from datetime import timedelta

from commission import ledger
from commission.connect import ConnectGateway
from commission.settlement import SettleRequest, settle
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import make_brand, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload


async def balances_of(app, partner_id):
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    return {k.kind: v for k, v in found.items()}


async def test_paid_order_accrues_pending_then_releases_and_pays(client, app, connect_server, db_url):
    # given a brand (hold 7 days, default 10 %), a partner with a connected account
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    account = connect_server.add_account()
    partner = await make_partner(app, brand_id=brand["id"], stripe_account_id=account, minimum_payout_minor=100)
    paid_at = utcnow() - timedelta(days=10)
    order = order_paid_payload(brand["id"], [("sku_a", 10000)], partner_id=partner, paid_at=paid_at)
    # when the order is paid (twice: a duplicate webhook) and the hold passes
    await emit_events(app, ("OrderPaid", order), ("OrderPaid", order))
    assert await balances_of(app, partner) == {"pending": 1000}
    settings = make_settings(db_url, stripe_api_key="sk_test_x", stripe_connect_api_base=connect_server.base_url)
    report = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    # then the commission was released and paid with one Stripe transfer
    assert report.released_orders == 1
    assert [p["amount_minor"] for p in report.payouts] == [1000]
    assert await balances_of(app, partner) == {"pending": 0, "available": 0, "in_flight": 0, "paid": 1000}
    transfers = list(connect_server.state.transfers.values())
    assert [(t["amount"], t["destination"], t["transfer_group"]) for t in transfers] == [(1000, account, report.run_id)]
    # and a second run pays nothing more
    again = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    assert again.payouts == [] and len(connect_server.state.transfers) == 1


async def test_refund_after_payout_claws_back(client, app, connect_server, db_url):
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    account = connect_server.add_account()
    partner = await make_partner(app, brand_id=brand["id"], stripe_account_id=account, minimum_payout_minor=100)
    order = order_paid_payload(
        brand["id"], [("sku_a", 10000)], partner_id=partner, paid_at=utcnow() - timedelta(days=8)
    )
    await emit_events(app, ("OrderPaid", order))
    settings = make_settings(db_url, stripe_api_key="sk_test_x", stripe_connect_api_base=connect_server.base_url)
    await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    # when 30 % is refunded after the payout
    await emit_events(app, ("OrderRefunded", order_refunded_payload(order, 3000, 3000)))
    # then the partner's available balance goes negative by 30 % of its commission
    assert await balances_of(app, partner) == {"pending": 0, "available": -300, "in_flight": 0, "paid": 1000}
    # and the next order's commission is netted against it
    order2 = order_paid_payload(
        brand["id"], [("sku_a", 5000)], partner_id=partner, paid_at=utcnow() - timedelta(days=8)
    )
    await emit_events(app, ("OrderPaid", order2))
    report = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    assert [p["amount_minor"] for p in report.payouts] == [200]
