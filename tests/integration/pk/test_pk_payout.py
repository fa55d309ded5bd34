"""Settlement pays a PK bonus like any other available commission (Connect test server)."""

from __future__ import annotations

import pytest

from commission.connect import ConnectGateway
from commission.settlement import SettleRequest, settle
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.factories_pk import close, competition_body, create_competition, pay, pk_world


@pytest.fixture
def db_url(sqlite_url):
    """SQLite only: settlement itself is tested on both databases; this checks the bonus is in it."""
    empty_tables(sqlite_url)
    return sqlite_url


@pytest.fixture
def app(db_url, connect_server):
    return create_app(
        make_settings(db_url, stripe_api_key="sk_test_pk", stripe_connect_api_base=connect_server.base_url)
    )


async def test_a_bonus_is_paid_out_by_the_next_settlement(app, client, connect_server, db_url):
    # given a winner with a connected account whose order is still in its hold
    world = await pk_world(app, client, partners=2, minimum_payout_minor=100)
    a = world.partners[0]
    account = connect_server.add_account()
    from commission.models import PartnerPayoutAccount

    async with app.state.sessionmaker() as session:
        row = await session.get(PartnerPayoutAccount, a)
        row.stripe_account_id = account
        session.add(row)
        await session.commit()
    cid = (await create_competition(client, world, competition_body(world.partners)))["id"]
    await pay(app, world, a, 100000)
    await close(client, world, cid)
    await app.state.dispatcher.drain()
    # when settlement runs (the order's commission is still held)
    settings = make_settings(db_url, stripe_api_key="sk_test_pk", stripe_connect_api_base=connect_server.base_url)
    report = await settle(app.state.sessionmaker, ConnectGateway(settings), SettleRequest(as_of=utcnow()))
    # then the 3 % bonus (3,000) is paid by one transfer to the winner
    assert [(p["partner_id"], p["amount_minor"]) for p in report.payouts] == [(a, 3000)]
    assert [(t["amount"], t["destination"]) for t in connect_server.state.transfers.values()] == [(3000, account)]
