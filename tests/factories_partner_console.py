"""The partner console's world: a sale through the partner's link (paid through the Stripe test
server, so the buyer is bound to the partner), the hold period passed, a settlement that pays the
partner its 10.00 through the Connect test server, then a 30.00 refund — after the payout, so the
partner owes 3.00 back (a clawback)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commission import ledger
from commission.models import PartnerPayoutAccount
from server.kernel import clock
from tests.factories import auth, make_token
from tests.factories_finance import settle_via_api
from tests.factories_orders import PartnerShop, paid_through_link, partner_shop

HOLD_PASSED_S = 8 * 86400  # the brand's default hold is 7 days


@dataclass
class ConsoleWorld:
    shop: PartnerShop
    partner_token: str
    finance_token: str
    order: dict[str, Any]
    payout: dict[str, Any]
    refund: dict[str, Any]


async def connect_payouts(app: Any, partner_id: str, account_id: str) -> None:
    async with app.state.sessionmaker() as session:
        session.add(PartnerPayoutAccount(partner_id=partner_id, stripe_account_id=account_id, minimum_payout_minor=100))
        await session.commit()


async def refund_after_payout(app: Any, client: Any, localstripe: Any, connect_server: Any) -> ConsoleWorld:
    shop = await partner_shop(app, client)
    await connect_payouts(app, shop.partner_id, connect_server.add_account())
    order = await paid_through_link(app, client, localstripe, shop)
    clock.advance(HOLD_PASSED_S)  # the test's autouse fixture puts the clock back
    finance = await make_token(app, "finance")
    [payout] = (await settle_via_api(client, finance))["payouts"]
    refund = await client.post(
        f"/api/v1/orders/{order['id']}/refunds", json={"amount_minor": 3000}, headers=auth(shop.shop.token)
    )
    assert refund.status_code == 201, refund.text
    await app.state.dispatcher.drain()
    partner_token = await make_token(app, "partner", partner_id=shop.partner_id)
    return ConsoleWorld(shop, partner_token, finance, order, payout, refund.json())


async def ledger_balances(app: Any, partner_id: str) -> dict[str, int]:
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id])
    return {key.kind: amount for key, amount in found.items()}
