"""Which sessions' funnels changed: a version per session, bumped after the commit of whatever
changed it (orders paid or refunded, counted clicks flushed) and read by the funnel sockets and the
ended-session cache, which recompute only when it moved. A port with a memory adapter (one worker)
and a Redis one (every worker sees every bump), tested by one suite."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import event
from sqlmodel.ext.asyncio.session import AsyncSession

log = logging.getLogger(__name__)
KEEP_S = 14 * 86400  # a session's version outlives its show and the refunds that follow
PENDING_KEY = "funnel_changes_pending"
STATE_KEY = "funnel_changes"


class FunnelChanges(Protocol):
    async def bump(self, session_ids: Iterable[str]) -> None: ...

    async def version(self, session_id: str) -> int: ...


class MemoryFunnelChanges:
    def __init__(self) -> None:
        self._versions: dict[str, int] = {}

    async def bump(self, session_ids: Iterable[str]) -> None:
        for session_id in set(session_ids):
            self._versions[session_id] = self._versions.get(session_id, 0) + 1

    async def version(self, session_id: str) -> int:
        return self._versions.get(session_id, 0)


class RedisFunnelChanges:
    def __init__(self, redis: Any, namespace: str) -> None:
        self.redis, self.prefix = redis, f"{namespace}:funnel:v:"

    async def bump(self, session_ids: Iterable[str]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for session_id in sorted(set(session_ids)):
                pipe.incr(self.prefix + session_id)
                pipe.expire(self.prefix + session_id, KEEP_S)
            await pipe.execute()

    async def version(self, session_id: str) -> int:
        return int(await self.redis.get(self.prefix + session_id) or 0)


def make_changes(state: Any) -> FunnelChanges:
    if state.redis is None:
        return MemoryFunnelChanges()
    return RedisFunnelChanges(state.redis, state.settings.redis_namespace)


def changes_of(state: Any) -> FunnelChanges:
    """The worker's port (made on first use where no lifespan made it, e.g. a bare test app)."""
    changes = state.get(STATE_KEY) if hasattr(state, "get") else None
    if changes is None:
        changes = make_changes(state)
        state[STATE_KEY] = changes
    return changes


async def bump_quietly(changes: FunnelChanges | None, session_ids: Iterable[str]) -> None:
    """A lost bump only delays a socket until its next refresh: never fail the writer for it."""
    ids = {s for s in session_ids if s}
    if changes is None or not ids:
        return
    try:
        await changes.bump(ids)
    except Exception as exc:
        log.warning("funnel change not announced (Redis away?): %r", exc)


_tasks: set[asyncio.Task[None]] = set()


def bump_after_commit(session: AsyncSession, changes: FunnelChanges | None, session_ids: Iterable[str]) -> None:
    """Announce the change once the transaction that made it has committed (a socket reading
    earlier would miss it and wait for the next change); nothing when it rolls back."""
    if changes is None:
        return
    pending: set[str] | None = session.info.get(PENDING_KEY)
    if pending is None:
        pending = session.info[PENDING_KEY] = set()
        event.listen(session.sync_session, "after_commit", lambda s: _send(s, changes), once=True)
        event.listen(session.sync_session, "after_rollback", lambda s: s.info.pop(PENDING_KEY, None), once=True)
    pending.update(s for s in session_ids if s)


def _send(sync_session: Any, changes: FunnelChanges) -> None:
    ids = sync_session.info.pop(PENDING_KEY, set())
    if ids:
        task = asyncio.get_running_loop().create_task(bump_quietly(changes, ids))
        _tasks.add(task)
        task.add_done_callback(_tasks.discard)
