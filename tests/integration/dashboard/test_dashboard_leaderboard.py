"""The partner leaderboard's commission is the ledger's: what was accrued to the partner for the
session's orders (at the rule that applied, here 20 % on SKU B against the partnership's 10 %)
less what a partial refund reversed — the same sum as the ledger's entries, not the funnel's
rate × GMV estimate. The report CSV carries it too."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa
from sqlmodel import col, select

from commission.models import JournalTransaction, LedgerAccount, LedgerEntry, OrderCommission, RefundRecord
from tests.factories import auth
from tests.factories_dashboard import PRICE_A, PRICE_B, buyer, buys, end, refund, sale
from tests.waiting import eventually


async def _ledger_for_partner(app, partner_id: str, refs: list[str]) -> int:
    """The partner's entries for these orders and refunds, summed here without the dashboard's code."""
    stmt = (
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount_minor), 0))
        .join(LedgerAccount, col(LedgerAccount.id) == col(LedgerEntry.account_id))
        .join(JournalTransaction, col(JournalTransaction.id) == col(LedgerEntry.transaction_id))
        .where(LedgerAccount.owner_id == partner_id, col(JournalTransaction.external_ref).in_(refs))
    )
    async with app.state.sessionmaker() as db:
        return int((await db.execute(stmt)).scalar_one())


async def test_the_leaderboard_shows_the_ledgers_commission_net_of_reversals(app, client, localstripe):
    # given SKU B earning 20 % by a SKU rule, and a partner's buyer who buys A and B, then B partly refunded
    world = await sale(app, client)
    rule = {"sku_id": world.sku_b, "rate_bps": 2000}
    added = await client.post(
        f"/api/v1/brands/{world.shop.brand_id}/commission-rules", json=rule, headers=auth(world.shop.token)
    )
    assert added.status_code == 201, added.text
    shopper = await buyer(app, client, world, via_link=True)
    first = await buys(app, client, localstripe, world, shopper, world.shop.sku_id, 1)
    second = await buys(app, client, localstripe, world, shopper, world.sku_b, 1)
    await refund(client, world, second["id"], 2000)
    await app.state.dispatcher.drain()

    async def reversed_() -> bool:
        async with app.state.sessionmaker() as db:
            row = await db.get(OrderCommission, second["id"])
            return row is not None and row.partner_reversed_minor > 0

    await eventually(reversed_, what="the refund's commission reversal")
    await end(client, world)
    await app.state.dispatcher.drain()

    # when the brand reads its dashboard and its CSV
    url = f"/api/v1/sessions/{world.session_id}/dashboard"
    body = (await client.get(url, headers=auth(world.shop.token))).json()
    [row] = [p for p in body["partners"] if p["partner_id"] == world.partner_id]

    # then the commission is the ledger's: 10 % of A + 20 % of B, less B's reversal (2000 of 5000 → 400)
    async with app.state.sessionmaker() as db:
        refund_ids = (await db.exec(select(RefundRecord.refund_id))).all()
    ledger = await _ledger_for_partner(app, world.partner_id, [first["id"], second["id"], *refund_ids])
    assert row["commission_minor"] == ledger == PRICE_A // 10 + PRICE_B // 5 - 400
    # and not the funnel's estimate (the partnership's 10 % of the net GMV)
    assert row["commission_estimate_minor"] == (PRICE_A + PRICE_B - 2000) // 10 != row["commission_minor"]
    [link] = [r for r in body["links"] if r["partner_id"] == world.partner_id and r["orders"]]
    assert link["commission_minor"] == ledger
    csv_text = (await client.get(url + ".csv", headers=auth(world.shop.token))).text
    [header, *_] = [r for r in csv.reader(io.StringIO(csv_text)) if r and r[0] == "partner_id"]
    [partner_csv] = [r for r in csv.reader(io.StringIO(csv_text)) if r and r[0] == world.partner_id]
    assert "commission_estimate_minor" not in header
    assert partner_csv[header.index("commission_minor")] == str(ledger)
