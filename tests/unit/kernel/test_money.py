"""Money: one rounding function, splits that always sum exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.kernel.money import Money, apply_rate, round_minor, split_exact

amounts = st.integers(min_value=-(10**12), max_value=10**12)
weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=12).filter(lambda w: sum(w) > 0)


@given(amounts, weights)
def test_split_sums_exactly_to_the_total(total, parts):
    shares = split_exact(total, parts)
    assert sum(shares) == total
    assert len(shares) == len(parts)


@given(amounts, weights)
def test_each_share_is_within_one_unit_of_its_exact_value(total, parts):
    for share, weight in zip(split_exact(total, parts), parts, strict=True):
        exact = Decimal(total) * weight / sum(parts)
        assert abs(Decimal(share) - exact) < 1


@given(st.integers(min_value=0, max_value=10**12), weights)
def test_zero_weight_gets_nothing_and_signs_follow_the_total(total, parts):
    for share, weight in zip(split_exact(total, parts), parts, strict=True):
        assert share >= 0
        if weight == 0:
            assert share == 0


def test_rounding_is_half_even():
    assert [round_minor(Decimal(x)) for x in ("0.5", "1.5", "2.5", "-0.5", "2.51")] == [0, 2, 2, 0, 3]
    assert apply_rate(1005, 1000) == 100  # 100.5 → 100 (half to even)
    assert apply_rate(1015, 1000) == 102  # 101.5 → 102


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=10_000))
def test_a_rate_never_exceeds_the_amount(amount, bps):
    assert 0 <= apply_rate(amount, bps) <= amount


def test_money_refuses_floats_mixed_currencies_and_bad_codes():
    with pytest.raises(TypeError):
        Money(12.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="currency mismatch"):
        Money(1, "CNY") + Money(1, "USD")
    with pytest.raises(ValueError, match="ISO 4217"):
        Money(1, "cny")
    assert Money(5, "CNY") - Money(7, "CNY") == Money(-2, "CNY")


def test_split_refuses_meaningless_weights():
    with pytest.raises(ValueError, match="at least one"):
        split_exact(100, [])
    with pytest.raises(ValueError, match="not all zero"):
        split_exact(100, [0, 0])
