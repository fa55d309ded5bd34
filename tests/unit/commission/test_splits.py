"""Splits: most specific rule wins (service), every split sums exactly to its base (here)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commission.splits import Parties, Rate, SplitAboveWhole, check_rates, compute_split, proportional

PARTIES = Parties("brd_1", "ptn_child", "ptn_parent")
rates = st.integers(0, 3000).map(Decimal)


def test_split_names_the_rule_of_every_line():
    # given a two-line order, 10 % and 12.5 % partner rates, 2 % override and 3 % fee
    lines = [("sku_a", 10000, Rate(Decimal(1000), "sku:cmr_a")), ("sku_b", 333, Rate(Decimal("1250"), "partnership:pts_1"))]
    # when split
    split = compute_split(10333, PARTIES, lines, Rate(Decimal(200), "parent_override:brd_1"),
                          Rate(Decimal(300), "platform_fee:brd_1"))
    # then every line says its rule, the half-even rounding applies per line, and the parts sum to the base
    assert [(l.party, l.amount_minor, l.rule) for l in split.lines] == [
        ("partner", 1000, "sku:cmr_a"), ("parent", 200, "parent_override:brd_1"),
        ("partner", 42, "partnership:pts_1"), ("parent", 7, "parent_override:brd_1"),
        ("platform", 310, "platform_fee:brd_1"), ("brand", 10333 - 1000 - 200 - 42 - 7 - 310, "remainder")]
    assert sum(l.amount_minor for l in split.lines) == 10333


def test_no_partner_means_only_fee_and_brand():
    split = compute_split(5000, Parties("brd_1", None, None), [], Rate(Decimal(500), "p"), Rate(Decimal(100), "f"))
    assert [(l.party, l.amount_minor) for l in split.lines] == [("platform", 50), ("brand", 4950)]


@given(amounts=st.lists(st.integers(0, 10**9), min_size=1, max_size=5), partner=rates, parent=rates, fee=rates)
def test_every_split_sums_exactly_to_its_base(amounts, partner, parent, fee):
    lines = [(f"sku_{i}", a, Rate(partner, "r")) for i, a in enumerate(amounts)]
    total = sum(amounts)
    split = compute_split(total, PARTIES, lines, Rate(parent, "p"), Rate(fee, "f"))
    assert sum(l.amount_minor for l in split.lines) == total
    assert all(l.amount_minor >= 0 for l in split.lines)


def test_partner_rate_is_clamped_when_the_split_would_pass_100_percent():
    split = compute_split(100, PARTIES, [("s", 100, Rate(Decimal(9000), "sku:x"))], Rate(Decimal(1000), "p"),
                          Rate(Decimal(500), "f"))
    partner = split.lines[0]
    assert partner.rate_bps == Decimal(8500) and partner.rule == "sku:x+clamped"
    assert split.total("brand") == 0


@pytest.mark.parametrize("bad", [(Decimal(-1),), (Decimal(10001),), (Decimal(6000), Decimal(5000))])
def test_rates_outside_0_to_100_percent_are_refused(bad):
    with pytest.raises(SplitAboveWhole):
        check_rates(*bad)


@given(part=st.integers(0, 10**7), amount=st.integers(1, 10**7), data=st.data())
def test_cumulative_reversals_never_exceed_the_part_and_reach_it_on_full_refund(part, amount, data):
    steps = sorted(data.draw(st.lists(st.integers(0, amount), max_size=6)))
    reversed_so_far = [proportional(part, s, amount) for s in [*steps, amount]]
    assert reversed_so_far == sorted(reversed_so_far)
    assert reversed_so_far[-1] == part
