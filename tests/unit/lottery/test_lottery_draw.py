"""The draw rule `sha256-counter-v1`: deterministic, checkable, and fair in the ways a test can see."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.lottery.draw import RULE, draw, entrants_sha256, handle_of, seed_sha256, verify

SEED = bytes(range(32))
LOTTERY = "lot_fixed"
HANDLES = [handle_of(LOTTERY, f"visitor-{i}") for i in range(10)]


def test_a_fixed_seed_gives_known_winners():
    assert seed_sha256(SEED) == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    assert draw(SEED, LOTTERY, HANDLES, 3) == ["34f0be53f193780a", "401bb4cd1578b30b", "2b08c7f2d2cf62c9"]
    assert entrants_sha256(HANDLES) == "20656fda37b5660af076b4c22d9cb6f680b7f1cb0cf476a16043729a230b6931"


def test_the_rule_as_documented_picks_the_first_winner():
    # written out from the README, independently of draw(): i = 0 over the sorted handles
    ordered = sorted(HANDLES)
    h = hashlib.sha256(SEED + LOTTERY.encode() + (0).to_bytes(8, "big")).digest()
    assert draw(SEED, LOTTERY, HANDLES, 1) == [ordered[int.from_bytes(h, "big") % len(ordered)]]


def test_handles_are_16_hex_of_sha256_of_lottery_and_visitor():
    assert handle_of("lot_1", "v") == hashlib.sha256(b"lot_1:v").hexdigest()[:16]


def test_entry_order_does_not_matter_and_few_entrants_all_win():
    assert draw(SEED, LOTTERY, list(reversed(HANDLES)), 4) == draw(SEED, LOTTERY, HANDLES, 4)
    assert sorted(draw(SEED, LOTTERY, HANDLES[:2], 5)) == sorted(HANDLES[:2])
    assert draw(SEED, LOTTERY, [], 3) == []


handle_lists = st.lists(st.text("0123456789abcdef", min_size=16, max_size=16), min_size=0, max_size=40, unique=True)


@settings(max_examples=150, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), handles=handle_lists, winners=st.integers(1, 50))
def test_winners_are_distinct_entrants_and_as_many_as_possible(seed, handles, winners):
    picked = draw(seed, LOTTERY, handles, winners)
    assert len(set(picked)) == len(picked) == min(winners, len(handles))
    assert set(picked) <= set(handles)


@settings(max_examples=100, deadline=None)
@given(seed=st.binary(min_size=32, max_size=32), other=st.binary(min_size=32, max_size=32))
def test_changing_the_seed_changes_the_result_and_its_hash(seed, other):
    if seed == other:
        return
    assert seed_sha256(seed) != seed_sha256(other)
    # 5 ranked winners of 30: two seeds agreeing on all five is a ~1e-7 event
    handles = [handle_of(LOTTERY, f"v{i}") for i in range(30)]
    assert draw(seed, LOTTERY, handles, 5) != draw(other, LOTTERY, handles, 5)


def _proof(seed: bytes, handles: list[str], winners: int = 3) -> dict[str, object]:
    return {
        "lottery_id": LOTTERY,
        "rule": RULE,
        "seed": seed.hex(),
        "seed_sha256": seed_sha256(seed),
        "entrants": sorted(handles),
        "entrants_sha256": entrants_sha256(handles),
        "winners_count": winners,
        "winners": draw(seed, LOTTERY, handles, winners),
    }


def test_verify_passes_an_honest_proof_and_fails_tampering():
    honest = _proof(SEED, HANDLES)
    assert verify(honest)[0] is True
    assert verify({**honest, "seed": bytes(32).hex()}) == (
        False,
        "SHA-256(seed) does not match the hash published at opening",
    )
    assert verify({**honest, "entrants": sorted(HANDLES)[1:]})[0] is False  # fingerprint no longer matches
    # a winner quietly removed from the list, fingerprint recomputed to match: the draw no longer does
    dropped = [h for h in HANDLES if h != honest["winners"][0]]  # type: ignore[index]
    resigned = {**honest, "entrants": dropped, "entrants_sha256": entrants_sha256(dropped)}
    ok, reason = verify(resigned)
    assert not ok and "recomputed winners" in reason
    assert verify({**honest, "winners": list(reversed(honest["winners"]))})[0] is False  # type: ignore[call-overload]
    assert verify({**honest, "seed": None})[0] is False
