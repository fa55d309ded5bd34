"""The demo sale's disputes step (`zhixiang demo --simulate`): two attributed orders disputed
through the signed webhook, one lost (clawed back, the brand pays the fee) and one won."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from server.demo.simulate.config import SaleConfig, Tokens
from server.demo.simulate.disputes import DISPUTE_FEE_MINOR, dispute_two
from server.demo.simulate.outcome import OrderMade, SaleOutcome
from tests.factories_disputes import disputable_order
from tests.integration.disputes.ledger_views import brand_balances, partner_balances
from tests.stripe_server import WEBHOOK_SECRET


async def test_the_demo_plays_one_dispute_lost_and_one_won(app, client):
    # given two attributed, paid orders of one brand (as the sale leaves them)
    first = await disputable_order(app, client, paid_days_ago=1)
    second = await disputable_order(app, client, paid_days_ago=1, brand_id=first["brand_id"])
    outcome = SaleOutcome(brand_id=first["brand_id"])
    outcome.orders = [
        OrderMade(sale["order"]["order_id"], "lnk", sale["order"]["amount_minor"], "CNY", state="paid")
        for sale in (first, second)
    ]
    said: list[str] = []
    config = SaleConfig(
        base_url="http://testserver.local", tokens=Tokens("", "", {}), webhook_secret=WEBHOOK_SECRET, say=said.append
    )
    # when the demo's dispute step plays
    async with AsyncTestClient(app=app) as brand:
        brand.headers.update(first["headers"])
        played = await dispute_two(config, brand, client, outcome)
    # then the first was lost (its commission reversed, the fee on the brand) and the second won
    assert [result for _, result in played] == ["dispute_lost", "dispute_won"]
    assert await partner_balances(app, first["partner_id"]) == {}
    assert await partner_balances(app, second["partner_id"]) == {"pending": 1000}
    assert (await brand_balances(app, first["brand_id"]))["net"] == 9000 * 2 - 9000 - DISPUTE_FEE_MINOR
    assert outcome.orders[0].disputed_lost_minor == 10000


async def test_without_a_webhook_secret_the_demo_plays_no_dispute(app, client):
    said: list[str] = []
    config = SaleConfig(base_url="http://testserver.local", tokens=Tokens("", "", {}), say=said.append)
    assert await dispute_two(config, client, client, SaleOutcome()) == []
    assert "no disputes played" in said[0]
