"""The link resolver at the moment a link is posted: one lookup for a crowd, stale beats a 503."""

from __future__ import annotations

import asyncio

import pytest

from distribution.clicks.resolve import LinkResolver, ResolvedLink

CODE = "abcdef12"
LINK = ResolvedLink("lnk_1", "ptn_1", "brd_1", "ses_1", "/live/ses_1?ref=abcdef12", True)


class Lookups:
    """A database stand-in: counts lookups, answers when released, or fails."""

    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()
        self.failing = False

    async def __call__(self, state: object, code: str) -> ResolvedLink | None:
        self.calls += 1
        await self.release.wait()
        if self.failing:
            raise ConnectionError("the pool is exhausted")
        return LINK


async def test_a_crowd_opening_a_new_link_costs_one_lookup():
    lookups = Lookups()
    resolver = LinkResolver(ttl_s=60, lookup=lookups)
    crowd = [asyncio.create_task(resolver.resolve(None, CODE)) for _ in range(200)]
    await asyncio.sleep(0)
    lookups.release.set()
    assert await asyncio.gather(*crowd) == [LINK] * 200
    assert lookups.calls == 1
    assert await resolver.resolve(None, CODE) == LINK and lookups.calls == 1  # cached now


async def test_the_lookup_finishes_for_the_others_when_its_first_asker_goes_away():
    lookups = Lookups()
    resolver = LinkResolver(ttl_s=60, lookup=lookups)
    first = asyncio.create_task(resolver.resolve(None, CODE))
    await asyncio.sleep(0)
    second = asyncio.create_task(resolver.resolve(None, CODE))
    await asyncio.sleep(0)
    first.cancel()
    lookups.release.set()
    assert await second == LINK and lookups.calls == 1
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_an_expired_entry_is_served_while_the_database_cannot_answer():
    lookups = Lookups()
    lookups.release.set()
    resolver = LinkResolver(ttl_s=0, lookup=lookups)  # every ask after the first is a refresh
    assert await resolver.resolve(None, CODE) == LINK
    lookups.failing = True
    assert await resolver.resolve(None, CODE) == LINK
    assert lookups.calls == 2


async def test_a_code_never_seen_still_fails_when_the_database_cannot_answer():
    lookups = Lookups()
    lookups.release.set()
    lookups.failing = True
    resolver = LinkResolver(ttl_s=60, lookup=lookups)
    with pytest.raises(ConnectionError):
        await resolver.resolve(None, CODE)
    lookups.failing = False
    assert await resolver.resolve(None, CODE) == LINK  # a failure is not cached
