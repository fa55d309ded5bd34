"""The discount and its allocation over order lines: exact sums, no line below zero, the order
never below one minor unit (property tests with hypothesis)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from broadcast.coupons.discount import Line, Terms, allocate, discount_minor, eligible

amounts = st.integers(min_value=0, max_value=10**9)
line_lists = (
    st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), amounts), min_size=1, max_size=8)
    .map(lambda rows: [Line(sku, amount) for sku, amount in rows])
    .filter(lambda ls: sum(x.amount_minor for x in ls) > 0)
)
terms = st.builds(
    Terms,
    amount_off_minor=st.one_of(st.none(), st.integers(min_value=1, max_value=10**10)),
    percent_off_bps=st.one_of(st.none(), st.decimals(min_value=1, max_value=10_000, places=2)),
    min_spend_minor=st.just(0),
    sku_ids=st.sampled_from([(), ("a",), ("b", "c")]),
).filter(lambda t: (t.amount_off_minor is None) != (t.percent_off_bps is None))


@given(terms, line_lists)
def test_allocation_sums_exactly_and_never_makes_a_line_negative(coupon, lines):
    mask = eligible(coupon, lines)
    cut = discount_minor(coupon, lines)
    parts = allocate(cut, lines, mask)
    assert sum(parts) == cut
    assert all(0 <= part <= line.amount_minor for part, line in zip(parts, lines, strict=True))
    assert all(part == 0 for part, ok in zip(parts, mask, strict=True) if not ok)
    assert sum(x.amount_minor for x in lines) - cut >= 1  # the order never drops below one minor unit


@given(
    st.integers(min_value=1, max_value=10**9),
    st.lists(st.integers(min_value=1, max_value=10**9), min_size=1, max_size=10),
)
def test_allocate_is_proportional_to_the_unit(total, weights):
    lines = [Line(str(i), w) for i, w in enumerate(weights)]
    total = min(total, sum(weights))
    parts = allocate(total, lines, [True] * len(lines))
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part * sum(weights) - total * weight) < sum(weights)  # within one unit of the exact share


def test_amount_off_is_capped_by_the_eligible_lines_and_the_one_unit_floor():
    lines = [Line("a", 500), Line("b", 300)]
    assert discount_minor(Terms(1000, None, 0, ("a",)), lines) == 500  # only line a is eligible
    assert discount_minor(Terms(1000, None, 0, ()), lines) == 799  # the order keeps 1 minor unit
    assert discount_minor(Terms(100, None, 0, ()), lines) == 100


def test_percent_off_rounds_half_even_on_the_eligible_amount():
    lines = [Line("a", 1250), Line("b", 999)]
    assert discount_minor(Terms(None, Decimal("1000"), 0, ("a",)), lines) == 125
    assert discount_minor(Terms(None, Decimal("1250.5"), 0, ()), lines) == 281  # 2249 × 12.505 % = 281.24…
    assert discount_minor(Terms(None, Decimal("10000"), 0, ()), lines) == 2248


def test_allocation_splits_a_discount_by_line_amounts():
    lines = [Line("a", 6000), Line("b", 3000), Line("c", 1000)]
    assert allocate(1001, lines, [True, True, True]) == [601, 300, 100]
    assert allocate(900, lines, [True, True, False]) == [600, 300, 0]
    with pytest.raises(ValueError, match="exceed"):
        allocate(9001, lines, [True, True, False])
