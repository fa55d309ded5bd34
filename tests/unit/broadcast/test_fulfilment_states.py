"""The fulfilment state machine, exhaustively: every (from, to) pair is allowed exactly when the
table says so and the order is paid; a refused one is a 409 naming both states."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from broadcast.checkout.models import Order, OrderState
from broadcast.fulfilment.models import Fulfilment
from broadcast.fulfilment.states import ALLOWED, check
from server.kernel.problems import IllegalTransition

F = Fulfilment
EXPECTED = {
    (F.UNSHIPPED, F.PARTIALLY_SHIPPED),
    (F.UNSHIPPED, F.SHIPPED),
    (F.PARTIALLY_SHIPPED, F.PARTIALLY_SHIPPED),
    (F.PARTIALLY_SHIPPED, F.SHIPPED),
    (F.SHIPPED, F.DELIVERED),
    (F.DELIVERED, F.COMPLETED),
}


def order(state: OrderState, fulfilment: Fulfilment) -> Order:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    return Order(
        id="ord_1",
        brand_id="brd_1",
        session_id="ses_1",
        visitor_id="v",
        idempotency_key="k",
        currency="CNY",
        amount_minor=100,
        reserved_until=now,
        state=state.value,
        fulfilment=fulfilment.value,
    )


def test_the_table_is_the_documented_lifecycle():
    assert {(a, b) for a, targets in ALLOWED.items() for b in targets} == EXPECTED


@pytest.mark.parametrize("current", list(F))
@pytest.mark.parametrize("target", list(F))
@pytest.mark.parametrize("payment", [OrderState.PAID, OrderState.PARTIALLY_REFUNDED])
def test_a_paid_order_takes_exactly_the_allowed_steps(current, target, payment):
    if (current, target) in EXPECTED:
        check(order(payment, current), target)
        return
    with pytest.raises(IllegalTransition) as refused:
        check(order(payment, current), target)
    assert refused.value.status_code == 409
    assert refused.value.extra == {"from": current.value, "to": target.value}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "payment",
    [OrderState.PENDING_PAYMENT, OrderState.PROCESSING, OrderState.REFUNDED, OrderState.CANCELLED, OrderState.EXPIRED],
)
@pytest.mark.parametrize(("current", "target"), sorted(EXPECTED))
def test_an_order_that_is_not_paid_takes_no_step(payment, current, target):
    with pytest.raises(IllegalTransition, match="only a paid order is fulfilled"):
        check(order(payment, current), target)
