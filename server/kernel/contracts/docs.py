"""`docs/events.md`, written from the contracts so the document cannot drift from the code:
`python -m server.kernel.contracts` rewrites it, and a test fails when it is out of date."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from server.kernel.contracts.base import CONTRACTS, Event

DOC = Path(__file__).resolve().parents[3] / "docs" / "events.md"

INTRO = """# Domain events (the outbox)

<!-- Generated from server/kernel/contracts by `python -m server.kernel.contracts`: edit those. -->

Events are rows in `outbox_events`, written in the same transaction as the change that caused
them, and delivered by the dispatcher (`server/events/dispatcher.py`) to every handler registered
for the topic (`EVENT_HANDLERS` in a domain's `routes.py`). Each (event, handler) pair is recorded
in `handled_events`, so a replay is a no-op.

**Contracts.** Each topic has a typed, versioned contract (a pydantic model under
`server/kernel/contracts/`) that the emitter builds: `emit(session, OrderPaid(...), order_id)`.
`emit` refuses a payload that does not match it, and the dispatcher checks the stored payload
again before each consumer runs, so a malformed row fails that consumer with the reason (and backs
off, then dead-letters) instead of breaking inside a handler. The row keeps its contract version
(`outbox_events.version`); a contract whose fields change meaning gets a new VERSION and an
`upcast` from the older ones. Consumers may read the typed event with `OrderPaid.read(event.payload,
event.version)`.

**Batches.** The dispatcher claims up to 100 due events per tick. A handler may also declare a
batch form with `server.kernel.outbox.batched(batch)` (`async def batch(session, events)`): it
then gets all the tick's events of its topic in ONE transaction, with a `handled_events` row per
event in that transaction (idempotency stays per event). If the batch raises, nothing of it is
kept and the handler runs on each event alone, so a bad event fails and backs off by itself.

Payload money is always `*_minor` integers with a `currency`; times are ISO 8601 UTC.

| topic | v | emitted by | payload | meaning |
|---|---|---|---|---|
"""

OUTRO = """
Cookies and parameters shared across domains are named in `server/kernel/cookies.py`
(`zx_vid` visitor id, `zx_attr` signed attribution token, `ref` link code on the room URL).
"""


def render() -> str:
    rows = [_row(contract) for _, contract in sorted(CONTRACTS.items()) if contract.EMITTED_BY != "tests"]
    return INTRO + "\n".join(rows) + "\n" + OUTRO


def write() -> Path:
    DOC.write_text(render())
    return DOC


def _row(contract: type[Event]) -> str:
    summary = " ".join(inspect.getdoc(contract).split()) if contract.__doc__ else ""
    return f"| `{contract.TOPIC}` | {contract.VERSION} | {contract.EMITTED_BY} | {_fields(contract)} | {summary} |"


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(_field(name, info) for name, info in model.model_fields.items())


def _field(name: str, info: FieldInfo) -> str:
    nested = _nested(info.annotation)
    text = f"{name}[{{{_fields(nested)}}}]" if nested is not None else name
    optional = type(None) in get_args(info.annotation)
    notes = [n for n in (("nullable" if optional else ""), info.description or "") if n]
    return f"{text} ({'; '.join(notes)})" if notes else text


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model inside `list[Model]`, `Model` or `Model | None`, if any."""
    for candidate in (annotation, *get_args(annotation)):
        if inspect.isclass(candidate) and issubclass(candidate, BaseModel):
            return candidate
    return None
