"""Outbox handlers are given their dependencies (server/kernel/handler_dependencies.py): bound by
name at start-up, resolved on each call, the handler's name and batch form kept."""

from __future__ import annotations

import asyncio

import pytest

from server.events.dispatcher import handler_name
from server.kernel.handler_dependencies import bind, bind_all
from server.kernel.outbox import batch_of, batched


async def on_many(session, events, *, room):
    room.extend(("batch", e) for e in events)


@batched(on_many)
async def on_one(session, event, *, room):
    room.append(("one", event))


async def plain(session, event):
    return "plain"


def test_a_bound_handler_gets_what_its_provider_returns_at_call_time():
    # given a provider whose answer changes after binding (a lifespan builds the room later)
    rooms = {"now": None}
    handler = bind(on_one, {"room": lambda: rooms["now"]})
    rooms["now"] = []
    # when the handler and its batch form run, then both got the room as it is now
    asyncio.run(handler("session", "e1"))
    asyncio.run(batch_of(handler)("session", ["e2", "e3"]))
    assert rooms["now"] == [("one", "e1"), ("batch", "e2"), ("batch", "e3")]


def test_binding_keeps_the_name_the_dispatcher_records_handled_events_under():
    assert handler_name(bind(on_one, {"room": list})) == handler_name(on_one)


def test_a_handler_without_dependencies_is_left_as_it_is():
    assert bind_all({"T": [plain]}, {})["T"] == [plain]


def test_a_dependency_nobody_provides_fails_at_start_up():
    with pytest.raises(LookupError, match="on_one needs room"):
        bind(on_one, {"leaderboard": lambda: None})


def test_a_bound_handler_needs_nothing_more():
    bound = bind(on_one, {"room": list})
    assert bind(bound, {}) is bound
