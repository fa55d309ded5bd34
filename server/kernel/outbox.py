"""The transactional outbox: events are rows written in the same transaction as the change that
caused them, then delivered by the dispatcher (`server.events`). A crash or a Redis outage delays
an event; it never loses one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Field, SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from server.kernel.clock import utcnow
from server.kernel.contracts import Event, checked_payload
from server.kernel.db import utc_field
from server.kernel.ids import new_id


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_events"

    id: str = Field(primary_key=True, max_length=40)
    topic: str = Field(index=True, max_length=80)
    aggregate_id: str = Field(index=True, max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    # The version of the topic's contract the payload was written with (server.kernel.contracts).
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = utc_field(default_now=True)
    # Set once every consumer has handled the event or given up on it (a dead letter, see
    # OutboxFailure): the dispatcher is done with it either way.
    delivered_at: datetime | None = utc_field(nullable=True, index=True)
    # While consumers back off: the earliest time one of them is due again (None: due now).
    next_attempt_at: datetime | None = utc_field(nullable=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=500)


class HandledEvent(SQLModel, table=True):
    """One row per (event, handler) committed with the handler's own changes: exactly-once effects."""

    __tablename__ = "handled_events"

    event_id: str = Field(primary_key=True, max_length=40)
    handler: str = Field(primary_key=True, max_length=120)
    handled_at: datetime = utc_field(default_now=True)


class OutboxFailure(SQLModel, table=True):
    """A consumer that failed on an event: its own backoff, or since when it gave up (`dead_at`:
    a dead letter, retried only when an operator replays it). Deleted in the transaction in which
    the consumer finally succeeds, so the table holds only what is still wrong."""

    __tablename__ = "outbox_failures"

    event_id: str = Field(primary_key=True, max_length=40)
    handler: str = Field(primary_key=True, max_length=120)
    attempts: int = 0
    next_attempt_at: datetime = utc_field(default_now=True)
    last_error: str = Field(default="", max_length=500)
    failed_at: datetime = utc_field(default_now=True)
    dead_at: datetime | None = utc_field(nullable=True, index=True)


def emit(session: AsyncSession, event: Event, aggregate_id: str) -> OutboxEvent:
    """Add an event to the caller's transaction; it is delivered only if that transaction commits."""
    row = OutboxEvent(
        id=new_id("evt"),
        topic=event.TOPIC,
        aggregate_id=aggregate_id,
        payload=checked_payload(event.TOPIC, event),
        version=event.VERSION,
        created_at=utcnow(),
    )
    session.add(row)
    return row


BatchHandler = Callable[[AsyncSession, Sequence["OutboxEvent"]], Awaitable[None]]
H = TypeVar("H")


def batched(batch: Callable[..., Awaitable[None]]) -> Callable[[H], H]:  # may declare dependencies
    """Declare that a handler can also take many events in ONE transaction: `batch(session, events)`
    must have the effect of the handler run on each event in turn (each event is new to it). The
    dispatcher records every event as handled in that transaction, and when the batch fails it runs
    the handler on each event alone, so one bad event fails and backs off by itself. The handler
    itself (its name, its registration) is unchanged."""

    def mark(handler: H) -> H:
        setattr(handler, "handle_batch", batch)  # noqa: B010 - an attribute on a function
        return handler

    return mark


def batch_of(handler: object) -> BatchHandler | None:
    """The handler's batch form (`batched`, or any object with a `handle_batch` method), if any."""
    batch = getattr(handler, "handle_batch", None)
    return batch if callable(batch) else None
