"""The dispatcher hands a batch of `OrderPaid` to the accrual in one transaction: each order's
journal transaction is posted once (a replayed batch posts nothing more), and a poisoned event
in a batch does not hold back the others: it fails and backs off alone, as it would one by one."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from commission import ledger
from commission.accrual import on_order_paid
from commission.models import JournalTransaction
from server.events.dispatcher import handler_name
from server.kernel import clock
from server.kernel.outbox import HandledEvent, OutboxEvent, OutboxFailure
from tests.event_contracts import emit_payload
from tests.factories import make_brand, make_token
from tests.factories_commission import make_partner, order_paid_payload
from tests.factories_outbox import until

ACCRUAL = handler_name(on_order_paid)


async def paid_orders(client, app, n: int) -> tuple[str, list[dict]]:
    brand = await make_brand(client, await make_token(app, "admin"))
    parent = await make_partner(app, brand_id=brand["id"])
    partner = await make_partner(app, brand_id=brand["id"], parent_id=parent, commission_bps=1000)
    orders = [order_paid_payload(brand["id"], [("sku_a", 10000)], partner_id=partner) for _ in range(n)]
    return partner, orders


async def emit_paid(app, payloads: list[dict]) -> list[str]:
    async with app.state.sessionmaker() as session:
        ids = [emit_payload(session, "OrderPaid", p["order_id"], p).id for p in payloads]
        await session.commit()
    return ids


async def accruals(app) -> dict[str, list]:
    """Journal transactions of accrual per order: (id, created_at)."""
    async with app.state.sessionmaker() as session:
        stmt = select(JournalTransaction).where(JournalTransaction.reason == "commission_accrued")
        rows = (await session.exec(stmt)).all()
    found: dict[str, list] = {}
    for row in rows:
        found.setdefault(row.external_ref, []).append((row.id, row.created_at))
    return found


async def pending_of(app, partner_id: str) -> int:
    async with app.state.sessionmaker() as session:
        found = await ledger.balances(session, owner_type="partner", owner_ids=[partner_id], kinds=["pending"])
    return sum(found.values())


async def forget_delivery(app, event_ids: list[str]) -> None:
    """As if the batch had never been recorded as handled: the dispatcher runs it again."""
    async with app.state.sessionmaker() as session:
        await session.execute(sa.delete(HandledEvent).where(col(HandledEvent.event_id).in_(event_ids)))
        stmt = sa.update(OutboxEvent).where(col(OutboxEvent.id).in_(event_ids)).values(delivered_at=None)
        await session.execute(stmt)
        await session.commit()


async def test_a_batch_posts_each_order_once_and_a_replay_posts_nothing(client, app, db_url):
    partner, orders = await paid_orders(client, app, 6)
    event_ids = await emit_paid(app, [*orders, orders[0]])  # and a duplicate webhook in the same batch
    # when the dispatcher delivers them
    assert await app.state.dispatcher.drain() == 7
    # then each order has one accrual, all posted in the same transaction (one statement time)
    posted = await accruals(app)
    assert sorted(posted) == sorted(o["order_id"] for o in orders)
    assert all(len(txns) == 1 for txns in posted.values())
    assert len({txns[0][1] for txns in posted.values()}) == 1
    assert await pending_of(app, partner) == 6 * 1000
    # and every event is recorded as handled by the accrual
    async with app.state.sessionmaker() as session:
        handled = (await session.exec(select(HandledEvent.event_id).where(HandledEvent.handler == ACCRUAL))).all()
    assert sorted(handled) == sorted(event_ids)
    # when the whole batch is delivered again
    await forget_delivery(app, event_ids)
    assert await app.state.dispatcher.drain() == 7
    # then nothing more is posted
    assert await accruals(app) == posted
    assert await pending_of(app, partner) == 6 * 1000


async def test_a_poisoned_event_backs_off_alone_and_the_rest_of_the_batch_is_done(client, app, db_url):
    partner, orders = await paid_orders(client, app, 5)
    poisoned = {**orders[2], "currency": "cny"}  # the accrual refuses it: not an ISO code
    good_ids = await emit_paid(app, orders[:2] + orders[3:])
    [bad_id] = await emit_paid(app, [poisoned])
    # when the batch is delivered
    assert await app.state.dispatcher.drain() == 4
    # then the four good orders accrued, and their events are delivered
    posted = await accruals(app)
    assert sorted(posted) == sorted(o["order_id"] for o in orders if o is not orders[2])
    assert await pending_of(app, partner) == 4 * 1000
    async with app.state.sessionmaker() as session:
        events = {e.id: e for e in (await session.exec(select(OutboxEvent))).all()}
        failures = (await session.exec(select(OutboxFailure))).all()
    assert all(events[i].delivered_at is not None for i in good_ids)
    # and only the poisoned one failed, for the accrual only, once, and backs off
    assert [(f.event_id, f.handler, f.attempts) for f in failures] == [(bad_id, ACCRUAL, 1)]
    assert "cny" in failures[0].last_error and events[bad_id].delivered_at is None
    assert await app.state.dispatcher.drain() == 0  # not due yet: not run again
    clock.advance(until(failures[0].next_attempt_at) + 0.01)
    assert await app.state.dispatcher.drain() == 0
    async with app.state.sessionmaker() as session:
        again = (await session.exec(select(OutboxFailure))).one()
    assert again.attempts == 2
    assert await accruals(app) == posted
