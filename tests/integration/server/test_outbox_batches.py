"""A consumer declared `batched` gets the due events of its topic in one call and one transaction
(with a HandledEvent per event); when the batch fails, each event is run alone, so only the bad
one fails and backs off. Plain consumers are run one event at a time, as before."""

from __future__ import annotations

from sqlmodel import select

from server.events import OutboxDispatcher, RetryPolicy
from server.events.dispatcher import handler_name
from server.kernel import clock
from server.kernel.outbox import HandledEvent, OutboxEvent, OutboxFailure, batched, emit
from tests.event_contracts import Counted
from tests.factories_outbox import event_row, until


class Counter:
    """A batched consumer that refuses events whose payload says `poison`."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.singles: list[int] = []
        self.plain: list[int] = []

        async def add_all(session, events) -> None:
            if any(e.payload.get("poison") for e in events):
                raise ValueError("poisoned")
            self.batches.append([e.payload["n"] for e in events])

        @batched(add_all)
        async def add(session, event) -> None:
            if event.payload.get("poison"):
                raise ValueError("poisoned")
            self.singles.append(event.payload["n"])

        async def unbatched(session, event) -> None:
            self.plain.append(event.payload["n"])

        self.add, self.unbatched = add, unbatched

    def dispatcher(self, maker) -> OutboxDispatcher:
        policy = RetryPolicy(base_s=10)
        return OutboxDispatcher(maker, {"Counted": [self.add, self.unbatched]}, retry=policy)


async def emit_many(maker, payloads: list[dict]) -> list[str]:
    async with maker() as session:
        ids = [emit(session, Counted.model_validate(p), f"agg_{i}").id for i, p in enumerate(payloads)]
        await session.commit()
    return ids


async def test_a_batched_consumer_takes_the_batch_in_one_call(app):
    maker = app.state.sessionmaker
    counter = Counter()
    ids = await emit_many(maker, [{"n": n} for n in range(5)])
    assert await counter.dispatcher(maker).drain() == 5
    assert counter.batches == [[0, 1, 2, 3, 4]] and counter.singles == []
    assert counter.plain == [0, 1, 2, 3, 4]  # the plain consumer of the same topic, one by one
    async with maker() as session:
        handled = (await session.exec(select(HandledEvent.event_id, HandledEvent.handler))).all()
    assert sorted(handled) == sorted((i, handler_name(h)) for i in ids for h in (counter.add, counter.unbatched))
    # a replay is a no-op: everything is recorded as handled
    assert await counter.dispatcher(maker).drain() == 0
    assert counter.batches == [[0, 1, 2, 3, 4]] and counter.singles == []


async def test_a_failed_batch_falls_back_to_one_by_one_and_the_bad_event_backs_off_alone(app):
    maker = app.state.sessionmaker
    counter = Counter()
    dispatcher = counter.dispatcher(maker)
    ids = await emit_many(maker, [{"n": 0}, {"n": 1, "poison": True}, {"n": 2}])
    assert await dispatcher.drain() == 2
    assert counter.batches == [] and counter.singles == [0, 2]
    async with maker() as session:
        failures = (await session.exec(select(OutboxFailure))).all()
    assert [(f.event_id, f.attempts) for f in failures] == [(ids[1], 1)]
    assert (await event_row(maker, ids[1])).delivered_at is None
    # when the poison is cured and its backoff runs out, it alone is run again
    clock.advance(until(failures[0].next_attempt_at) + 0.01)
    counter.singles.clear()
    async with maker() as session:
        event = await session.get(OutboxEvent, ids[1])
        event.payload = {"n": 1}
        session.add(event)
        await session.commit()
    assert await dispatcher.drain() == 1
    assert counter.singles == [1] and counter.plain == [0, 1, 2]
    async with maker() as session:
        assert (await session.exec(select(OutboxFailure))).all() == []


async def test_a_payload_that_breaks_its_contract_is_left_out_of_the_batch_and_fails_alone(app):
    maker = app.state.sessionmaker
    counter = Counter()
    ids = await emit_many(maker, [{"n": 0}, {"n": 1}, {"n": 2}])
    async with maker() as session:  # written by hand, past the emitter's check
        broken = OutboxEvent(id="evt_broken", topic="Counted", aggregate_id="agg_x", payload={"n": "many"})
        session.add(broken)
        await session.commit()
    # when the tick runs: the three sound events still go in one batch, not one by one
    assert await counter.dispatcher(maker).drain() == 3
    assert counter.batches == [[0, 1, 2]] and counter.singles == []
    assert counter.plain == [0, 1, 2]
    # and the broken one failed for each consumer, with the contract's reason, and waits
    async with maker() as session:
        failures = (await session.exec(select(OutboxFailure))).all()
    assert sorted(f.handler for f in failures) == sorted(handler_name(h) for h in (counter.add, counter.unbatched))
    assert all(f.event_id == "evt_broken" and "n" in f.last_error for f in failures)
    assert (await event_row(maker, "evt_broken")).delivered_at is None
    assert [(await event_row(maker, i)).delivered_at is not None for i in ids] == [True] * 3
