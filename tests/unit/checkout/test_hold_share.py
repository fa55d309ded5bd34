"""The unpaid-share cap's arithmetic (pure): the share rounded up, never below one unit, never
above what is unsold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from broadcast.checkout.holds import share_cap


def test_thirty_percent_of_common_stocks():
    assert [share_cap(n, 3000) for n in (1, 2, 3, 10, 20, 100, 101)] == [1, 1, 1, 3, 6, 30, 31]


@given(unsold=st.integers(min_value=1, max_value=10**9), bps=st.integers(min_value=1, max_value=10_000))
def test_the_cap_is_the_share_rounded_up_and_at_least_one(unsold, bps):
    cap = share_cap(unsold, bps)
    assert 1 <= cap <= unsold
    assert cap * 10_000 >= unsold * bps  # never below the share
    assert cap == 1 or (cap - 1) * 10_000 < unsold * bps  # and rounded up by less than a unit


def test_the_whole_share_is_every_unit():
    assert share_cap(57, 10_000) == 57
