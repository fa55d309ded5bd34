"""The ledger totals kept as entries post: equal to the entries' sums for any period (whole days
from the daily rows, partial days from the entries), found out by the check when tampered with,
and never losing an increment to concurrent postings on PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import select

from commission import ledger
from commission.ledger import Kind, Posting, Reason
from commission.models import JournalTransaction, LedgerAccountTotal, LedgerEntry
from commission.totals import check_totals, flows, rebuild_totals
from server.app import create_app
from server.kernel.ids import new_id
from tests.app_settings import make_settings
from tests.integration.commission.test_cli import cli

START = datetime(2026, 10, 1, 7, 30, tzinfo=UTC)
REASONS = (Reason.ACCRUED, Reason.RELEASED, Reason.REVERSED)


def sale(partner: str, at: datetime, amount: int, reason: Reason = Reason.ACCRUED) -> Posting:
    posting = Posting(new_id("key"), reason, at, external_ref=new_id("ord"), brand_id="brd_tot")
    posting.add(ledger.brand_key("brd_tot", Kind.SALES, "CNY"), -amount)
    posting.add(ledger.brand_key("brd_tot", Kind.NET, "CNY"), amount - amount // 10)
    posting.add(ledger.partner_key(partner, Kind.PENDING, "CNY"), amount // 10)
    return posting


def history(seed: int, count: int = 120) -> list[Posting]:
    rng = random.Random(seed)
    return [
        sale(
            rng.choice(["ptn_a", "ptn_b", "ptn_c"]),
            START + timedelta(minutes=rng.randrange(0, 60 * 24 * 9)),
            rng.randrange(1, 90_000),
            rng.choice(REASONS),
        )
        for _ in range(count)
    ]


async def raw_flows(session, owner_type, since, until):
    """The entries summed directly (the definition the totals must agree with)."""
    found: dict = defaultdict(int)
    stmt = sa.text(
        "SELECT a.owner_id, a.kind, e.currency, t.reason, e.amount_minor, e.effective_at FROM ledger_entries e "
        "JOIN ledger_accounts a ON a.id = e.account_id JOIN journal_transactions t ON t.id = e.transaction_id "
        "WHERE a.owner_type = :t"
    )
    for owner, kind, currency, reason, amount, at in (await session.execute(stmt, {"t": owner_type})).all():
        at = at if isinstance(at, datetime) else datetime.fromisoformat(at)
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at
        if (since is None or at >= since) and at < until:
            found[(owner, kind, currency, reason)] += amount
    return dict(found)


async def test_entries_carry_their_transactions_effective_time_and_totals_match(app):
    # given postings spread over nine days, in batches
    postings = history(1)
    async with app.state.sessionmaker() as session:
        for i in range(0, len(postings), 7):
            await ledger.post_many(session, postings[i : i + 7])
        await session.commit()
    async with app.state.sessionmaker() as session:
        # then every entry has its transaction's effective time
        mismatched = (
            await session.execute(
                sa.select(sa.func.count())
                .select_from(LedgerEntry)
                .join(JournalTransaction, JournalTransaction.id == LedgerEntry.transaction_id)
                .where(LedgerEntry.effective_at != JournalTransaction.effective_at)
            )
        ).scalar_one()
        assert mismatched == 0
        # and the kept totals agree with the entries, row for row
        assert await check_totals(session) == []
        # and every period (whole days, partial days, one partial day, from the start) sums the same
        rng = random.Random(2)
        periods = [(START + timedelta(days=2), START + timedelta(days=5)), (None, START + timedelta(days=4, hours=3))]
        for _ in range(12):
            a = START + timedelta(minutes=rng.randrange(-600, 60 * 24 * 10))
            b = a + timedelta(minutes=rng.choice([1, 90, 60 * 24, 60 * 24 * 3 + 17, 60 * 24 * 8]))
            periods.append((rng.choice([a, None]), b))
        midnight = datetime(2026, 10, 4, tzinfo=UTC)
        periods.append((midnight, midnight + timedelta(days=2)))
        for since, until in periods:
            for owner_type in ("brand", "partner"):
                expected = await raw_flows(session, owner_type, since, until)
                found = await flows(session, owner_type, None, since, until)
                assert found == expected, (owner_type, since, until)
        one = await flows(session, "partner", ["ptn_b"], START, START + timedelta(days=6, hours=5))
        assert one and {k[0] for k in one} == {"ptn_b"}


async def test_check_finds_a_tampered_total_and_rebuild_repairs_it(app):
    # given a posted history whose running total someone changed
    async with app.state.sessionmaker() as session:
        await ledger.post_many(session, history(3, 20))
        await session.commit()
        row = (await session.exec(select(LedgerAccountTotal).limit(1))).one()
        account, reason, kept = row.account_id, row.reason, row.amount_minor
        await session.execute(
            sa.update(LedgerAccountTotal)
            .where(LedgerAccountTotal.account_id == account, LedgerAccountTotal.reason == reason)
            .values(amount_minor=kept + 1)
        )
        await session.commit()
    # when the check runs (as the command does)
    url = str(app.state.settings.database_url)
    found = cli("ledger", "check-totals", database_url=url)
    # then it names the row and exits 1
    assert found.returncode == 1, found.stdout + found.stderr
    assert f"ledger_account_totals {account}/{reason}/" in found.stdout
    assert f"kept {kept + 1} " in found.stdout and f"entries say {kept} " in found.stdout
    assert "1 difference(s)" in found.stdout
    # and --rebuild recomputes them from the entries
    repaired = cli("ledger", "check-totals", "--rebuild", database_url=url)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    again = cli("ledger", "check-totals", database_url=url)
    assert again.returncode == 0 and "ledger totals match the entries" in again.stdout
    async with app.state.sessionmaker() as session:
        await rebuild_totals(session)  # idempotent
        await session.commit()
        assert await check_totals(session) == []


async def test_concurrent_postings_never_lose_an_increment_on_postgres(postgres_db_url):
    # given 8 connections posting 25 sales each on the same brand accounts and the same day
    app = create_app(make_settings(postgres_db_url))
    at = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)

    async def poster(n: int) -> int:
        total = 0
        for i in range(25):
            async with app.state.sessionmaker() as session:
                amount = 1000 + n * 100 + i
                await ledger.post(session, sale(f"ptn_{i % 3}", at + timedelta(seconds=i), amount))
                await session.commit()
                total += amount
        return total

    # when they all post at once
    sold = sum(await asyncio.gather(*(poster(n) for n in range(8))))
    # then the kept totals hold every increment
    async with app.state.sessionmaker() as session:
        assert await check_totals(session) == []
        found = await flows(session, "brand", ["brd_tot"], None, at + timedelta(days=1))
        assert found[("brd_tot", "sales", "CNY", "commission_accrued")] == -sold
    await app.state.engine.dispose()
