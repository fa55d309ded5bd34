"""Outbox handlers get their dependencies passed in, as Litestar handlers get `db`: a handler
declares what it needs as keyword-only parameters (`room`, `leaderboard`, `payment_gateway`), and
the composition root binds them to providers, resolved on every call (the things provided are
built by lifespans after the dispatcher, and a test may swap one in between).

No domain keeps a module global for a handler to find; the handler's name stays its own, so the
dispatcher's idempotency records (`handler_name`) are the same bound or not."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from server.kernel.outbox import batch_of

Provider = Callable[[], Any]


def needs(handler: Callable[..., Any]) -> list[str]:
    """The names of the keyword-only parameters a handler declares: what it must be given."""
    parameters = inspect.signature(handler, follow_wrapped=False).parameters.values()  # bound: none left
    return [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY]


def bind(handler: Any, providers: Mapping[str, Provider]) -> Any:
    """`handler` with its dependencies filled from `providers`; a name nobody provides fails here,
    at start-up, not at the first event."""
    names = needs(handler)
    if not names:
        return handler
    missing = sorted(set(names) - set(providers))
    if missing:
        raise LookupError(f"{handler.__qualname__} needs {', '.join(missing)}: no provider registered")

    async def bound(*args: Any) -> Any:
        return await handler(*args, **{name: providers[name]() for name in names})

    functools.update_wrapper(bound, handler)
    batch = batch_of(handler)
    if batch is not None:
        bound.handle_batch = bind(batch, providers)  # type: ignore[attr-defined]
    return bound


def bind_all(handlers: Mapping[str, Sequence[Any]], providers: Mapping[str, Provider]) -> dict[str, list[Any]]:
    """Every topic's handlers, bound."""
    return {topic: [bind(h, providers) for h in fns] for topic, fns in handlers.items()}
