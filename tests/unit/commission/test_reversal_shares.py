"""A refund's reversal (and so its preview) by party: successive refunds reverse exactly the whole
share once the order is fully refunded, never more, and never a negative amount on the way."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from commission.models import OrderCommission
from commission.reversal_shares import reversal_shares

PAID_AT = datetime(2026, 11, 20, tzinfo=UTC)


def _order(amount: int, partner: int, parent: int, fee: int) -> OrderCommission:
    return OrderCommission(
        order_id="ord_1",
        brand_id="brd_1",
        currency="CNY",
        amount_minor=amount,
        partner_id="ptn_1",
        partner_minor=partner,
        parent_minor=parent,
        platform_fee_minor=fee,
        brand_net_minor=amount - partner - parent - fee,
        paid_at=PAID_AT,
        hold_until=PAID_AT,
    )


@given(
    amount=st.integers(1, 10**7),
    shares=st.tuples(st.floats(0, 0.3), st.floats(0, 0.1), st.floats(0, 0.05)),
    cuts=st.lists(st.integers(1, 10**7), max_size=6),
)
def test_successive_refunds_reverse_each_share_exactly_once(amount, shares, cuts):
    # given an order split between partner, parent and platform
    order = _order(amount, *(int(amount * s) for s in shares))
    # when refunds of any sizes are applied one after another, then one for the rest
    for asked in [*cuts, amount]:
        shares_now = reversal_shares(order, asked)
        assert shares_now.amount_minor == min(asked, amount - order.refunded_minor)
        assert min(shares_now.as_deltas().values()) >= 0
        order.refunded_minor += shares_now.amount_minor
        order.partner_reversed_minor += shares_now.partner_minor
        order.parent_reversed_minor += shares_now.parent_minor
        order.fee_reversed_minor += shares_now.fee_minor
    # then everything is reversed, to the minor unit, and a further refund reverses nothing
    assert (order.partner_reversed_minor, order.parent_reversed_minor, order.fee_reversed_minor) == (
        order.partner_minor,
        order.parent_minor,
        order.platform_fee_minor,
    )
    assert reversal_shares(order, 1).as_deltas() == {"partner": 0, "parent": 0, "fee": 0}
