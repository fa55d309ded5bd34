"""The order totals kept as orders are frozen, reversed and refunded: equal to the records' sums for
any period (whole days from the daily rows, partial days from the records), found out by the check
when tampered with, and never losing an increment to concurrent writers on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from litestar.testing import AsyncTestClient
from sqlmodel import select

from commission.accrual import accrue_orders
from commission.models import OrderCommission, OrderDailyTotal, RefundRecord
from commission.order_totals import check_order_totals, order_sums, rebuild_order_totals
from commission.refund_failures import record_refund_failure
from commission.refunds import record_refund
from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import make_brand, make_token
from tests.factories_commission import make_partner, order_paid_payload, order_refunded_payload
from tests.integration.commission.test_cli import cli

START = datetime(2026, 10, 1, 7, 30, tzinfo=UTC)


async def seller(client, app) -> tuple[str, str]:
    brand = await make_brand(client, await make_token(app, "admin"))
    parent = await make_partner(app, brand_id=brand["id"])
    partner = await make_partner(app, brand_id=brand["id"], parent_id=parent, commission_bps=1000)
    return brand["id"], partner


def orders_over_days(brand: str, partner: str, seed: int, count: int = 30) -> list[dict]:
    rng = random.Random(seed)
    return [
        order_paid_payload(
            brand,
            [("sku_a", rng.randrange(1_000, 90_000))],
            partner_id=partner if rng.random() < 0.8 else None,
            currency=rng.choice(["CNY", "CNY", "USD"]),
            paid_at=START + timedelta(minutes=rng.randrange(0, 60 * 24 * 6)),
        )
        for _ in range(count)
    ]


def refund_of(order: dict, rng: random.Random) -> dict:
    amount = rng.randrange(1, order["amount_minor"] + 1)
    when = datetime.fromisoformat(order["paid_at"]) + timedelta(minutes=rng.randrange(-60, 60 * 24 * 3))
    return order_refunded_payload(order, amount, amount, refunded_at=when)


async def raw_sums(session, since, until) -> dict:
    """The records summed directly (the definition the kept totals must agree with)."""
    found: dict = defaultdict(lambda: defaultdict(int))
    for o in (await session.exec(select(OrderCommission))).all():
        if (since is None or o.paid_at >= since) and o.paid_at < until:
            found[o.currency]["paid_minor"] += o.amount_minor
            earned = o.partner_minor + o.parent_minor - o.partner_reversed_minor - o.parent_reversed_minor
            found[o.currency]["earned_minor"] += earned
            found[o.currency]["refunds_minor"] += 0
    for r in (await session.exec(select(RefundRecord))).all():
        if r.effective_at is not None and (since is None or r.effective_at >= since) and r.effective_at < until:
            found[r.currency]["refunds_minor"] += r.applied_minor
            found[r.currency]["paid_minor"] += 0
            found[r.currency]["earned_minor"] += 0
    return {currency: dict(measures) for currency, measures in found.items()}


async def write_history(app, orders: list[dict], seed: int) -> None:
    """Orders accrued in batches; some refunded (one before its OrderPaid), one refund failing."""
    rng = random.Random(seed)
    refunds = [refund_of(o, rng) for o in orders[::3]]
    async with app.state.sessionmaker() as session:
        await record_refund(session, refunds[0])  # waits for its order
        for i in range(0, len(orders), 5):
            await accrue_orders(session, orders[i : i + 5])
        for refund in refunds[1:]:
            await record_refund(session, refund)
        failed = refunds[1]
        failed_at = datetime.fromisoformat(failed["refunded_at"]) + timedelta(hours=5)
        await record_refund_failure(session, {**failed, "failed_at": failed_at.isoformat()})
        await session.commit()


async def test_kept_order_totals_equal_the_records_for_any_period(client, app):
    # given orders over six days in two currencies, refunded, one refund waiting, one failing
    brand, partner = await seller(client, app)
    await write_history(app, orders_over_days(brand, partner, 1), 2)
    async with app.state.sessionmaker() as session:
        # then the kept rows agree with the records, row for row
        assert await check_order_totals(session) == []
        assert (await session.exec(select(sa.func.sum(OrderDailyTotal.refund_count)))).one() >= 10
        # and every period (whole days, partial days, within one day, from the start) sums the same
        rng = random.Random(3)
        periods = [(START + timedelta(days=1), START + timedelta(days=4)), (None, START + timedelta(days=3, hours=2))]
        for _ in range(14):
            a = START + timedelta(minutes=rng.randrange(-600, 60 * 24 * 10))
            b = a + timedelta(minutes=rng.choice([1, 90, 60 * 24, 60 * 24 * 3 + 17, 60 * 24 * 8]))
            periods.append((rng.choice([a, None]), b))
        midnight = datetime(2026, 10, 3, tzinfo=UTC)
        periods.append((midnight, midnight + timedelta(days=2)))
        for since, until in periods:
            assert await order_sums(session, since, until) == await raw_sums(session, since, until), (since, until)


async def test_check_finds_a_tampered_order_total_and_rebuild_repairs_it(client, app):
    # given a history whose kept earned total for one day someone changed
    brand, partner = await seller(client, app)
    await write_history(app, orders_over_days(brand, partner, 4, 12), 5)
    async with app.state.sessionmaker() as session:
        row = (await session.exec(select(OrderDailyTotal).order_by(OrderDailyTotal.day).limit(1))).one()
        day, currency, kept, count = row.day, row.currency, row.earned_minor, row.paid_count
        row.earned_minor = kept + 7
        session.add(row)
        await session.commit()
    # when the check runs (as the command does)
    url = str(app.state.settings.database_url)
    found = cli("ledger", "check-totals", database_url=url)
    # then it names the row and the measure, and exits 1
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"order_daily_totals {day}/{currency}/earned_minor: kept {kept + 7} ({count} entries)" in found.stdout
    assert f"entries say {kept} ({count} entries)" in found.stdout and "1 difference(s)" in found.stdout
    # and --rebuild recomputes the rows from the records
    assert cli("ledger", "check-totals", "--rebuild", database_url=url).returncode == 0
    again = cli("ledger", "check-totals", database_url=url)
    assert again.returncode == 0 and "order totals match the orders" in again.stdout
    async with app.state.sessionmaker() as session:
        await rebuild_order_totals(session)  # idempotent
        await session.commit()
        assert await check_order_totals(session) == []


async def test_concurrent_orders_and_refunds_never_lose_an_increment_on_postgres(postgres_db_url):
    # given 8 connections each freezing and refunding orders on the same day and currency
    app = create_app(make_settings(postgres_db_url))
    async with AsyncTestClient(app=app) as client:
        brand, partner = await seller(client, app)
    at = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)

    async def writer(n: int) -> int:
        paid = 0
        for i in range(12):
            order = order_paid_payload(brand, [("sku_a", 1000 + n * 100 + i)], partner_id=partner, paid_at=at)
            async with app.state.sessionmaker() as session:
                await accrue_orders(session, [order])
                await session.commit()
            async with app.state.sessionmaker() as session:
                await record_refund(session, order_refunded_payload(order, 100, 100, refunded_at=at))
                await session.commit()
            paid += order["amount_minor"]
        return paid

    # when they all write at once
    paid = sum(await asyncio.gather(*(writer(n) for n in range(8))))
    # then the kept totals hold every increment
    async with app.state.sessionmaker() as session:
        assert await check_order_totals(session) == []
        day = (await session.exec(select(OrderDailyTotal))).one()
        assert (day.paid_minor, day.paid_count, day.refunds_minor, day.refund_count) == (paid, 96, 9600, 96)
        assert day.earned_minor == (await raw_sums(session, None, at + timedelta(days=1)))["CNY"]["earned_minor"]
        assert day.earned_minor > 0
    await app.state.engine.dispose()
