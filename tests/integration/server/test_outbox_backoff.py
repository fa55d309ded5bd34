"""A failing outbox consumer backs off on its own (jittered exponential delays on the injected
clock), is dead-lettered after N attempts with its last error, and runs again once replayed;
the other consumers of the same event and other events are never held back by it."""

from __future__ import annotations

import asyncio

from sqlmodel import select

from server.app import create_app
from server.events.dead_letters import DeadLetterService
from server.events.dispatcher import handler_name
from server.kernel import clock
from server.kernel.outbox import OutboxFailure
from tests.app_settings import make_settings
from tests.factories_outbox import Consumers, emit_one, event_row, fail_until_dead, failure_of, until


async def test_a_failing_consumer_backs_off_alone(app):
    maker = app.state.sessionmaker
    consumers = Consumers()
    dispatcher = consumers.dispatcher(maker)
    event_id = await emit_one(maker)

    delays = []
    for attempt in (1, 2, 3):
        # when the due consumer is run and fails again
        await dispatcher.drain()
        failure = await failure_of(maker, event_id)
        delay = (failure.next_attempt_at - failure.failed_at).total_seconds()
        delays.append(delay)
        # then its delay is 10 s × 2^(n-1), stretched by at most 25 %
        assert failure.attempts == attempt and f"try {attempt}" in failure.last_error
        assert 10 * 2 ** (attempt - 1) <= delay <= 10 * 2 ** (attempt - 1) * 1.25
        # and it is not run again before it is due, however often the dispatcher ticks
        clock.advance(until(failure.next_attempt_at) - 0.5)
        assert await dispatcher.drain() == 0 and await dispatcher.drain() == 0
        assert consumers.runs["failing"] == attempt
        clock.advance(1)
    assert delays == sorted(delays)
    # the healthy consumer of the same event ran once and never again
    assert consumers.runs["healthy"] == 1
    row = await event_row(maker, event_id)
    assert row.delivered_at is None and row.attempts == 3 and "downstream away" in row.last_error


async def test_other_events_are_not_held_back_by_a_backing_off_consumer(app):
    maker = app.state.sessionmaker
    consumers = Consumers()
    dispatcher = consumers.dispatcher(maker)
    first = await emit_one(maker)
    await dispatcher.drain()
    # given the first event's consumer backing off, later events (same aggregate too) go through at once
    second, other = await emit_one(maker), await emit_one(maker, "Other")
    await dispatcher.drain()
    assert consumers.runs == {"healthy": 2, "failing": 2, "other": 1}
    assert (await event_row(maker, other)).delivered_at is not None
    assert (await event_row(maker, first)).delivered_at is None
    assert (await failure_of(maker, second)).attempts == 1


async def test_after_max_attempts_it_is_a_dead_letter_with_its_last_error(app):
    maker = app.state.sessionmaker
    consumers = Consumers()
    dispatcher = consumers.dispatcher(maker, max_attempts=4)
    event_id = await emit_one(maker)

    await fail_until_dead(maker, consumers, dispatcher, event_id)

    failure = await failure_of(maker, event_id)
    assert failure.attempts == 4 and "try 4" in failure.last_error and consumers.runs["failing"] == 4
    # the event leaves the backlog (every consumer handled it or gave up) ...
    assert (await event_row(maker, event_id)).delivered_at is not None
    # ... it is listed as a dead letter, and nothing retries it any more
    async with maker() as session:
        found = await DeadLetterService(session).list()
    assert [(d.event_id, d.topic, d.handler, d.attempts) for d in found.items] == [
        (event_id, "Thing", handler_name(consumers.failing), 4)
    ]
    clock.advance(10**6)
    await dispatcher.drain()
    assert consumers.runs == {"healthy": 1, "failing": 4, "other": 0}


async def test_a_replayed_dead_letter_runs_again_and_succeeds_once(app):
    maker = app.state.sessionmaker
    consumers = Consumers()
    dispatcher = consumers.dispatcher(maker, max_attempts=2)
    event_id = await emit_one(maker)
    await fail_until_dead(maker, consumers, dispatcher, event_id)
    consumers.fixed = True

    async with maker() as session:
        assert await DeadLetterService(session).replay(event_id) == 1
    assert await dispatcher.drain() == 1
    async with maker() as session:  # replaying again is a no-op: nothing failed any more
        assert await DeadLetterService(session).replay(event_id) == 0
    assert await dispatcher.drain() == 0
    assert consumers.runs == {"healthy": 1, "failing": 3, "other": 0}
    async with maker() as session:
        assert (await session.exec(select(OutboxFailure))).all() == []


async def test_two_workers_draining_at_once_count_one_attempt_per_due_time(postgres_db_url):
    app = create_app(make_settings(postgres_db_url))
    maker = app.state.sessionmaker
    consumers = Consumers()
    workers = [consumers.dispatcher(maker), consumers.dispatcher(maker)]
    event_ids = [await emit_one(maker) for _ in range(5)]
    # when two workers race over the same due events, twice
    for _ in range(2):
        await asyncio.gather(*(w.drain() for w in workers))
        clock.advance(13)  # past the first backoff (10 s + at most 25 %), short of the second
    # then each consumer ran once per event per due time: one attempt, then exactly one retry
    assert consumers.runs == {"healthy": 5, "failing": 10, "other": 0}
    assert [(await failure_of(maker, e)).attempts for e in event_ids] == [2] * 5
    await app.state.engine.dispose()
