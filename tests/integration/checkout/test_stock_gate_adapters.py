"""The stock gate's rules, on the memory adapter and on Redis alike (one suite over both)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from broadcast.checkout.gate.port import GateStock, Line, Verdict
from tests.integration.checkout.gate_adapters import corrupt, lose, open_gate

S, A, B = "ses_gate", "sku_a", "sku_b"


@pytest.fixture(params=["memory", "redis"])
async def gate(request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    url = request.getfixturevalue("redis_url") if request.param == "redis" else None
    async with open_gate(request.param, url, request.getfixturevalue("redis_namespace")) as g:
        yield g


async def built(gate: Any, left: dict[str, int], limit: int = 2, **extra: Any) -> Any:
    await gate.load(S, GateStock(per_buyer_limit=limit, left=left, **extra))
    return gate


async def test_a_take_holds_every_line_and_the_buyers_slots_or_nothing(gate):
    await built(gate, {A: 5, B: 1})
    assert (await gate.take(S, "v1", "k1", [Line(A, 2), Line(B, 1)])).verdict is Verdict.TAKEN
    assert await gate.units_left(S) == {A: 3, B: 0}
    # B is gone: nothing of A is taken with it
    refused = await gate.take(S, "v2", "k2", [Line(A, 1), Line(B, 1)])
    assert (refused.verdict, refused.sku_id, refused.count) == (Verdict.SOLD_OUT, B, 0)
    assert await gate.units_left(S) == {A: 3, B: 0}


async def test_the_per_buyer_limit_counts_every_take_of_the_buyer(gate):
    await built(gate, {A: 10}, limit=2)
    assert (await gate.take(S, "v1", "k1", [Line(A, 1)])).verdict is Verdict.TAKEN
    over = await gate.take(S, "v1", "k2", [Line(A, 2)])
    assert (over.verdict, over.sku_id, over.count, over.limit) == (Verdict.OVER_LIMIT, A, 1, 2)
    assert (await gate.take(S, "v1", "k3", [Line(A, 1)])).verdict is Verdict.TAKEN
    assert await gate.units_left(S) == {A: 8}


async def test_the_probe_answers_without_a_cart(gate):
    await built(gate, {A: 1, B: 0}, limit=1)
    assert (await gate.take(S, "v1", "k1", [])).verdict is Verdict.OPEN
    await gate.take(S, "v1", "k1", [Line(A, 1)])
    # the winner's own retry is a replay; another key of theirs is over the limit; anyone else: sold out
    assert (await gate.take(S, "v1", "k1", [])).verdict is Verdict.REPLAY
    assert (await gate.take(S, "v1", "k2", [])).verdict is Verdict.SOLD_OUT
    assert (await gate.take(S, "v2", "k9", [])).verdict is Verdict.SOLD_OUT
    await built(gate, {A: 5}, limit=1, bought={("v1", A): 1}, won={("v1", "k1")})
    assert (await gate.take(S, "v1", "k2", [])).verdict is Verdict.OVER_LIMIT
    assert (await gate.take(S, "v2", "k9", [])).verdict is Verdict.OPEN


async def test_a_give_back_happens_once_and_frees_the_buyers_slots(gate):
    await built(gate, {A: 2}, limit=1)
    await gate.take(S, "v1", "k1", [Line(A, 1)])
    assert await gate.give(S, "v1", "k1", [Line(A, 1)]) is True
    assert await gate.give(S, "v1", "k1", [Line(A, 1)]) is False  # a replayed give-back is a no-op
    assert await gate.units_left(S) == {A: 2}
    assert (await gate.take(S, "v1", "k2", [Line(A, 1)])).verdict is Verdict.TAKEN
    assert await gate.give(S, "v9", "never-taken", [Line(A, 1)]) is False


async def test_concurrent_takes_never_hand_out_more_than_there_is(gate):
    await built(gate, {A: 25}, limit=1)
    answers = await asyncio.gather(*(gate.take(S, f"v{i}", f"k{i}", [Line(A, 1)]) for i in range(200)))
    assert sum(a.verdict is Verdict.TAKEN for a in answers) == 25
    assert await gate.units_left(S) == {A: 0}


async def test_a_lost_or_garbled_gate_says_missing_until_rebuilt(gate):
    assert (await gate.take(S, "v1", "k1", [Line(A, 1)])).verdict is Verdict.MISSING  # never built
    await built(gate, {A: 3})
    await corrupt(gate, S, A, "garbage")
    assert (await gate.take(S, "v1", "k1", [Line(A, 1)])).verdict is Verdict.MISSING
    assert (await gate.take(S, "v1", "k1", [])).verdict is Verdict.MISSING
    assert (await gate.take(S, "v1", "k1", [Line("sku_new", 1)])).verdict is Verdict.MISSING
    await lose(gate, S)
    assert (await gate.take(S, "v1", "k1", [Line(A, 1)])).verdict is Verdict.MISSING
    assert await gate.give(S, "v1", "k1", [Line(A, 1)]) is False
    assert (await gate.reconcile(S, {A: 3}, None))[0] == -1


async def test_reconcile_clamps_down_at_once_and_raises_only_when_quiet(gate):
    await built(gate, {A: 5, B: 5})
    await corrupt(gate, S, A, 10**12)
    seq, changed = await gate.reconcile(S, {A: 4, B: 5}, None)
    assert changed == 1 and await gate.units_left(S) == {A: 4, B: 5}
    # below the database (a give-back was lost): raised only after a pass with no take or give in between
    await gate.take(S, "v1", "k1", [Line(B, 1)])
    seq, changed = await gate.reconcile(S, {A: 4, B: 5}, seq)
    assert changed == 0 and await gate.units_left(S) == {A: 4, B: 4}
    seq, changed = await gate.reconcile(S, {A: 4, B: 5}, seq)
    assert changed == 1 and await gate.units_left(S) == {A: 4, B: 5}
    await corrupt(gate, S, B, "garbage")
    assert (await gate.reconcile(S, {A: 4, B: 5}, seq))[1] == 1
    assert await gate.units_left(S) == {A: 4, B: 5}


async def test_the_rebuild_lock_is_held_by_one_and_sessions_are_listed(gate):
    assert await gate.lock(S) is True
    assert await gate.lock(S) is False
    await gate.unlock(S)
    assert await gate.lock(S) is True
    await gate.unlock(S)
    await built(gate, {A: 1})
    assert S in await gate.sessions()
    await gate.drop(S)
    assert S not in await gate.sessions()
