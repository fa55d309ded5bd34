"""The live leaderboard: a port with two adapters, Redis sorted sets (one key per competition,
ZINCRBY per counted order) and process memory for the embedded default. The database stays the
truth: `replace` rebuilds a board from it, and the close never reads the board."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

TTL_S = 30 * 24 * 3600  # a forgotten board expires; it can always be rebuilt from the database


class LeaderboardStore(Protocol):
    async def incr(self, competition_id: str, entrant_key: str, delta: int) -> None: ...
    async def scores(self, competition_id: str) -> dict[str, int] | None:
        """Every entrant's score, or None when the board is missing (never built or expired)."""

    async def replace(self, competition_id: str, scores: Mapping[str, int]) -> None: ...
    async def drop(self, competition_id: str) -> None: ...


class MemoryLeaderboard:
    def __init__(self) -> None:
        self.boards: dict[str, dict[str, int]] = {}

    async def incr(self, competition_id: str, entrant_key: str, delta: int) -> None:
        board = self.boards.get(competition_id)
        if board is not None:  # a missing board is rebuilt from the database on the next read
            board[entrant_key] = board.get(entrant_key, 0) + delta

    async def scores(self, competition_id: str) -> dict[str, int] | None:
        board = self.boards.get(competition_id)
        return None if board is None else dict(board)

    async def replace(self, competition_id: str, scores: Mapping[str, int]) -> None:
        self.boards[competition_id] = defaultdict(int, scores)

    async def drop(self, competition_id: str) -> None:
        self.boards.pop(competition_id, None)


# Increment only an existing board: a ZINCRBY on a missing key would create a board holding only
# this order, which a reader would then take for the whole truth.
INCR_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
  return 1
end
return 0
"""


class RedisLeaderboard:
    def __init__(self, redis: Any, namespace: str) -> None:
        self.redis, self.prefix = redis, f"{namespace}:pk:"
        self.incr_script = redis.register_script(INCR_LUA)

    def key(self, competition_id: str) -> str:
        return self.prefix + competition_id

    async def incr(self, competition_id: str, entrant_key: str, delta: int) -> None:
        await self.incr_script(keys=[self.key(competition_id)], args=[entrant_key, delta])

    async def scores(self, competition_id: str) -> dict[str, int] | None:
        rows = await self.redis.zrange(self.key(competition_id), 0, -1, withscores=True)
        if not rows:
            return None
        return {(m.decode() if isinstance(m, bytes) else m): int(s) for m, s in rows}

    async def replace(self, competition_id: str, scores: Mapping[str, int]) -> None:
        # Every entrant is a member (a 0 too), so an existing key always means a complete board.
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self.key(competition_id))
            if scores:
                pipe.zadd(self.key(competition_id), dict(scores))
                pipe.expire(self.key(competition_id), TTL_S)
            await pipe.execute()

    async def drop(self, competition_id: str) -> None:
        await self.redis.delete(self.key(competition_id))


def build(redis: Any, namespace: str) -> LeaderboardStore:
    return RedisLeaderboard(redis, namespace) if redis is not None else MemoryLeaderboard()


@asynccontextmanager
async def leaderboard_lifespan(app: Any) -> AsyncIterator[None]:
    """The board of this process, on `app.state.leaderboard`: controllers get it through
    `distribution.competitions.deps`, outbox handlers as their `leaderboard` parameter."""
    app.state.leaderboard = build(app.state.redis, app.state.settings.redis_namespace)
    yield
