"""The one way a test waits for something another task or process does: poll a condition with a
bound on wall-clock time (never a fixed sleep, never a bound on the number of tries, which a loaded
machine stretches). On time-out the AssertionError says what was awaited and what was seen last."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
EVERY_S = 0.05


async def eventually(
    check: Callable[[], T | Awaitable[T]], within_s: float = 10, what: str = "the condition", every_s: float = EVERY_S
) -> T:
    """The first truthy answer of `check()` (sync or async) within `within_s` seconds."""
    deadline, last = time.monotonic() + within_s, None
    while True:
        answer = check()
        last = await answer if inspect.isawaitable(answer) else answer
        if last:
            return last  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not so within {within_s}s (last seen: {last!r})")
        await asyncio.sleep(every_s)


def eventually_sync(
    check: Callable[[], T], within_s: float = 10, what: str = "the condition", every_s: float = EVERY_S
) -> T:
    """`eventually` for a test without an event loop (a subprocess, a thread)."""
    deadline, last = time.monotonic() + within_s, None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what}: not so within {within_s}s (last seen: {last!r})")
        time.sleep(every_s)
