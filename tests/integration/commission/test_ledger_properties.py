"""Property test over random sequences of paid orders, partial and full refunds, duplicate and
out-of-order events, hold expiries, settlement runs (some transfers refused), disputes (opened, won, lost — before
or after the payout, through the webhook handler's `record_dispute`) — and refunds that
reach us through Stripe: made through our API with Stripe's webhook arriving before or after our
call's answer (or never), made in the Dashboard and reported by `refund.created`, `charge.refunded`
or both in either order, redelivered, failed later, or reported with a disagreeing amount — and
commission plans (`tests/plan_steps.py`: versions in force or scheduled, repeat rates). After
every step: every line a plan priced names its version, every transaction sums to zero, balances equal a replay of the entries (and the kept
totals equal the entries, row for row), nobody is paid
twice, nobody is refunded twice (each order's refunds equal Stripe's successful refunds, each
Stripe refund credited once), and the reconciliation report has no mismatches except one listed
for each deliberately disagreeing refund event. SQLite for breadth, a smaller run on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from commission import ledger
from commission.connect import ConnectGateway
from commission.disputes import DisputeFacts, record_dispute
from commission.models import LedgerAccount, LedgerEntry, Payout
from commission.reports.reconciliation import reconcile
from commission.settlement import SettleRequest, settle
from commission.totals import check_totals
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.database import empty_tables
from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload
from tests.fake_stripe_refunds import add_paid_order, add_shop
from tests.plan_steps import PlanSteps, plan
from tests.stripe_refund_steps import API_ARRIVALS, DASHBOARD_ROUTES, STRIPE_STEPS, StripeRefundSteps

PARTNERS = 3
pay = st.tuples(
    st.just("pay"), st.integers(-1, PARTNERS - 1), st.integers(1, 50_000), st.sampled_from([0, 3, 8, 10]), st.booleans()
)
refund = st.tuples(st.just("refund"), st.integers(0, 30), st.sampled_from([1, 3, 10, 100]))
duplicate = st.tuples(st.just("duplicate"), st.integers(0, 60))
flush = st.tuples(st.just("flush"))
settle_op = st.tuples(st.just("settle"), st.sampled_from([5, 2, 0]))
# Refunds through Stripe (orders paid by `pay` have a checkout order and a PaymentIntent too)
api_refund = st.tuples(
    st.just("api_refund"), st.integers(0, 30), st.sampled_from([10, 50, 100]), st.sampled_from(API_ARRIVALS)
)
dashboard = st.tuples(
    st.just("dashboard"), st.integers(0, 30), st.sampled_from([5, 40, 100]), st.sampled_from(DASHBOARD_ROUTES)
)
fail_refund = st.tuples(st.just("fail_refund"), st.integers(0, 30))
redeliver = st.tuples(st.just("redeliver"), st.integers(0, 60), st.booleans())
disagree = st.tuples(st.just("disagree"), st.integers(0, 30))
stripe_steps = st.one_of(api_refund, api_refund, dashboard, dashboard, fail_refund, redeliver, disagree)
dispute = st.tuples(st.just("dispute"), st.integers(0, 30), st.sampled_from([10, 50, 100]))
decide = st.tuples(st.just("decide"), st.integers(0, 30), st.booleans())  # True: the brand loses
steps = st.lists(
    st.one_of(pay, pay, refund, duplicate, flush, settle_op, dispute, decide, stripe_steps, stripe_steps, plan),
    min_size=3,
    max_size=20,
)
# every history ends with disputes after a settlement (so some are lost after their payout), one
# decided before and one after another settlement
endings = st.tuples(st.integers(0, 30), st.integers(0, 30), st.booleans(), st.booleans())


def ending(draw: tuple[int, int, bool, bool]) -> list[tuple]:
    first, second, lost_first, lost_second = draw
    return [
        ("flush",),
        ("settle", 0),
        ("dispute", first, 100),
        ("dispute", second, 50),
        ("decide", 0, lost_first),
        ("settle", 0),
        ("decide", 0, lost_second),
        ("settle", 0),
    ]


class World(StripeRefundSteps):
    def __init__(self, app, connect_server):
        self.app, self.server = app, connect_server
        self.partners: list[str] = []
        self.orders: list[dict] = []
        self.refunded: dict[str, int] = defaultdict(int)
        self.sent: list[tuple[str, dict]] = []
        self.held: list[dict] = []
        self.accrued: list[dict] = []  # orders whose OrderPaid was sent (a dispute needs its commission)
        self.disputes: dict[str, tuple[str, int]] = {}  # order id → (Stripe dispute id, amount)
        self.open_disputes: list[str] = []
        self.plans = PlanSteps()
        self.stripe_world()

    async def setup(self):
        self.session_id = await add_shop(self.app, "brd_prop")
        parent = await make_partner(self.app, stripe_account_id=self.server.add_account(), minimum_payout_minor=1)
        for i in range(PARTNERS):
            account = self.server.add_account()
            if i == 2:
                self.server.refuse_destination(account)
            self.partners.append(
                await make_partner(
                    self.app, parent_id=parent if i == 1 else None, stripe_account_id=account, minimum_payout_minor=500
                )
            )
        self.parent = parent

    async def emit(self, topic, payload):
        if topic == "OrderPaid" and payload not in self.accrued:
            self.accrued.append(payload)
        self.sent.append((topic, payload))
        await emit_events(self.app, (topic, payload))

    async def apply(self, step):
        kind = step[0]
        if kind == "pay":
            _, who, amount, days_ago, late = step
            partner = None if who < 0 else self.partners[who]
            order = order_paid_payload(
                "brd_prop",
                [("sku_a", amount // 2), ("sku_b", amount - amount // 2)],
                partner_id=partner,
                parent_id=self.parent if who == 1 else None,
                paid_at=utcnow() - timedelta(days=days_ago),
            )
            self.orders.append(order)
            self.intents.append(
                (order["order_id"], await add_paid_order(self.app, self.stripe, order, self.session_id))
            )
            if late:
                self.held.append(order)  # its OrderPaid arrives after later refunds
            else:
                await self.emit("OrderPaid", order)
        elif kind == "refund" and self.orders:
            order = self.orders[step[1] % len(self.orders)]
            left = order["amount_minor"] - self.refunded[order["order_id"]]
            amount = max(1, left * step[2] // 100) if left else 0
            if amount:
                self.refunded[order["order_id"]] += amount
                await self.emit(
                    "OrderRefunded", order_refunded_payload(order, amount, self.refunded[order["order_id"]])
                )
        elif kind == "duplicate" and self.sent:
            await self.emit(*self.sent[step[1] % len(self.sent)])
        elif kind == "flush":
            for order in self.held:
                await self.emit("OrderPaid", order)
            self.held = []
        elif kind == "dispute" and self.accrued:
            await self.open_dispute(self.accrued[step[1] % len(self.accrued)], step[2])
        elif kind == "decide" and self.open_disputes:
            await self.decide(self.open_disputes[step[1] % len(self.open_disputes)], lost=step[2])
        elif kind == "settle":
            gateway = ConnectGateway(self.app.state.settings)
            await settle(self.app.state.sessionmaker, gateway, SettleRequest(as_of=utcnow() - timedelta(days=step[1])))
        elif kind == "plan":
            await self.plans.publish(self.app, step, self.partners)
        elif kind in STRIPE_STEPS and self.intents:
            await getattr(self, kind)(*step[1:])

    def left(self, order_id: str) -> int:
        """What the buyer paid less every refund so far, through the commission events or at Stripe."""
        amount = next(o["amount_minor"] for o in self.orders if o["order_id"] == order_id)
        intent = dict(self.intents).get(order_id)
        return amount - self.refunded[order_id] - (self.stripe.refunded(intent) if intent else 0)

    async def open_dispute(self, order, percent):
        left = self.left(order["order_id"])
        amount = left * percent // 100
        if order["order_id"] in self.disputes or amount <= 0:
            return  # one dispute per charge, as at Stripe
        self.disputes[order["order_id"]] = (f"dp_prop_{len(self.disputes)}_{order['order_id']}", amount)
        self.open_disputes.append(order["order_id"])
        event("dispute opened")
        await self.dispute(order["order_id"], "needs_response")

    async def decide(self, order_id, lost):
        self.open_disputes.remove(order_id)
        event(f"dispute {'lost' if lost else 'won'}{' after a payout' if self.server.state.transfers else ''}")
        if lost:
            self.refunded[order_id] += min(self.left(order_id), self.disputes[order_id][1])
        await self.dispute(order_id, "lost" if lost else "won", fee_minor=1500 if lost else 0)

    async def dispute(self, order_id, status, fee_minor=0):
        dispute_id, amount = self.disputes[order_id]
        facts = DisputeFacts(
            dispute_id, None, f"pi_{order_id}", order_id, "CNY", amount, status, "fraudulent", None, fee_minor, "CNY"
        )
        async with self.app.state.sessionmaker() as session:
            await record_dispute(session, facts)
            await session.commit()

    async def check(self):
        async with self.app.state.sessionmaker() as session:
            unbalanced = (
                await session.execute(
                    sa.select(LedgerEntry.transaction_id, LedgerEntry.currency)
                    .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
                    .having(sa.func.sum(LedgerEntry.amount_minor) != 0)
                )
            ).all()
            assert unbalanced == []
            await self.plans.check(session)
            derived = await ledger.balances(session)
            replay: Counter = Counter()
            rows = (
                await session.execute(
                    sa.select(
                        LedgerAccount.owner_type,
                        LedgerAccount.owner_id,
                        LedgerAccount.kind,
                        LedgerAccount.currency,
                        LedgerEntry.amount_minor,
                    ).join(LedgerEntry, LedgerEntry.account_id == LedgerAccount.id)
                )
            ).all()
            for owner_type, owner, kind, currency, amount in rows:
                replay[ledger.AccountKey(owner_type, owner, kind, currency)] += amount
            assert derived == dict(replay)
            assert await check_totals(session) == []  # the kept totals never drift from the entries
            await self.check_refunds(session)
            payouts = (await session.execute(sa.select(Payout.id, Payout.state, Payout.transfer_id))).all()
            report = await reconcile(
                session,
                utcnow() - timedelta(days=60),
                utcnow() + timedelta(minutes=1),
                ConnectGateway(self.app.state.settings),
            )
        transfers_per_payout = Counter(t["metadata"]["payout_id"] for t in self.server.state.transfers.values())
        assert all(n == 1 for n in transfers_per_payout.values()), transfers_per_payout
        assert {p for p, state, _ in payouts if state == "paid"} == set(transfers_per_payout)
        paid = {k.owner_id: v for k, v in derived.items() if k.kind == "paid" and v}
        by_destination: Counter = Counter()
        for t in self.server.state.transfers.values():
            by_destination[t["metadata"]["partner_id"]] += t["amount"]
        assert paid == dict(by_destination)
        listed = [m for m in report["mismatches"] if m["section"] == "refunds"]
        assert {m["stripe_refund_id"] for m in listed} == self.disagreed and len(listed) == len(self.disagreed)
        assert [m for m in report["mismatches"] if m["section"] != "refunds"] == [], report["mismatches"]


def run_property(url: str, connect_server, max_examples: int) -> None:
    app = create_app(make_settings(url, stripe_api_key="sk_test_prop", stripe_connect_api_base=connect_server.base_url))

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=False,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(steps, endings)
    def prop(sequence, end):
        empty_tables(url)
        connect_server.state.transfers.clear()
        connect_server.state.idempotency.clear()

        async def scenario():
            world = World(app, connect_server)
            await world.setup()
            for step in [*sequence, *ending(end)]:
                await world.apply(step)
                await world.check()

        asyncio.run(scenario())

    prop()


@pytest.mark.filterwarnings("ignore")
def test_ledger_invariants_hold_over_random_histories_sqlite(sqlite_url, connect_server):
    run_property(sqlite_url, connect_server, max_examples=25)


def test_ledger_invariants_hold_over_random_histories_postgres(pg_url, connect_server):
    run_property(pg_url, connect_server, max_examples=6)
