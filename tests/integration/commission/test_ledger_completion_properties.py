"""The ledger property test (`test_ledger_properties`) for a brand with `release_on: completion`:
the same random histories of payments, refunds (before and after completion), duplicates,
settlements, disputes and Stripe refund paths, plus orders completing (`OrderCompleted`) at random
points. After every step the same invariants hold — every transaction sums to zero, balances
replay from the entries, nobody is paid or refunded twice, the reconciliation ties out — and
nothing is released for an order that has not completed."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col

from broadcast.models import Brand
from commission.models import OrderCommission
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.integration.commission.test_ledger_properties import World, ending, endings, steps

complete = st.tuples(st.just("complete"), st.integers(0, 30))


class CompletionWorld(World):
    async def setup(self):
        await super().setup()
        async with self.app.state.sessionmaker() as session:
            brand = await session.get(Brand, "brd_prop")
            assert brand is not None
            brand.settings = {**(brand.settings or {}), "release_on": "completion"}
            session.add(brand)
            await session.commit()
        self.completed: set[str] = set()

    async def apply(self, step):
        if step[0] != "complete":
            return await super().apply(step)
        if not self.accrued:
            return None
        order = self.accrued[step[1] % len(self.accrued)]
        self.completed.add(order["order_id"])
        payload = {
            "order_id": order["order_id"],
            "brand_id": order["brand_id"],
            "session_id": order["session_id"],
            "currency": order["currency"],
            "amount_minor": order["amount_minor"],
            "refunded_minor": 0,
            "completed_at": utcnow().isoformat(),
        }
        return await self.emit("OrderCompleted", payload)

    async def check(self):
        await super().check()
        async with self.app.state.sessionmaker() as session:
            stmt = sa.select(OrderCommission.order_id).where(col(OrderCommission.released_at).is_not(None))
            released = set((await session.execute(stmt)).scalars())
        assert released <= self.completed, f"released before completion: {released - self.completed}"


def run_property(url: str, connect_server, max_examples: int) -> None:
    app = create_app(make_settings(url, stripe_api_key="sk_test_prop", stripe_connect_api_base=connect_server.base_url))
    with_completions = st.lists(complete, max_size=8)

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps, with_completions, st.randoms(use_true_random=False), endings)
    def prop(sequence, completions, rnd, end):
        empty_tables(url)
        connect_server.state.transfers.clear()
        connect_server.state.idempotency.clear()
        mixed = list(sequence)
        for step in completions:  # completions land anywhere in the history, refunds before and after them
            mixed.insert(rnd.randint(0, len(mixed)), step)

        async def scenario():
            world = CompletionWorld(app, connect_server)
            await world.setup()
            for step in [*mixed, ("complete", 0), *ending(end)]:
                await world.apply(step)
                await world.check()

        asyncio.run(scenario())

    prop()


@pytest.mark.filterwarnings("ignore")
def test_completion_ledger_invariants_hold_over_random_histories_sqlite(sqlite_url, connect_server):
    run_property(sqlite_url, connect_server, max_examples=15)


def test_completion_ledger_invariants_hold_over_random_histories_postgres(pg_url, connect_server):
    run_property(pg_url, connect_server, max_examples=4)
