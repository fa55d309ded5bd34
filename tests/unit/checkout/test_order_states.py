"""The order state machine, without I/O."""

from __future__ import annotations

import pytest

from broadcast.checkout.models import Order
from broadcast.checkout.models import OrderState as S
from broadcast.checkout.states import ALLOWED, check, move
from server.kernel.problems import IllegalTransition


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PENDING_PAYMENT, S.PAID),
        (S.PENDING_PAYMENT, S.EXPIRED),
        (S.PENDING_PAYMENT, S.CANCELLED),
        (S.PAID, S.PARTIALLY_REFUNDED),
        (S.PAID, S.REFUNDED),
        (S.PARTIALLY_REFUNDED, S.REFUNDED),
        (S.EXPIRED, S.PAID),
        (S.CANCELLED, S.PAID),
    ],
)
def test_allowed_moves(current, target):
    check(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.PAID, S.PENDING_PAYMENT),
        (S.PAID, S.EXPIRED),
        (S.PAID, S.CANCELLED),
        (S.REFUNDED, S.PAID),
        (S.REFUNDED, S.PARTIALLY_REFUNDED),
        (S.PENDING_PAYMENT, S.REFUNDED),
        (S.EXPIRED, S.CANCELLED),
    ],
)
def test_forbidden_moves_are_409(current, target):
    with pytest.raises(IllegalTransition) as raised:
        check(current, target)
    assert raised.value.status_code == 409


def test_every_state_has_rules_and_refunded_is_final():
    assert set(ALLOWED) == set(S) and ALLOWED[S.REFUNDED] == frozenset()


@pytest.mark.parametrize("target", [S.PAID, S.CANCELLED, S.EXPIRED])
def test_a_processing_payment_ends_paid_or_closed(target):
    check(S.PENDING_PAYMENT, S.PROCESSING)
    check(S.PROCESSING, target)


def test_a_processing_order_cannot_go_back_to_waiting():
    with pytest.raises(IllegalTransition):
        check(S.PROCESSING, S.PENDING_PAYMENT)


@pytest.mark.parametrize(
    ("current", "target"),
    [(S.REFUNDED, S.PAID), (S.REFUNDED, S.PARTIALLY_REFUNDED), (S.PARTIALLY_REFUNDED, S.PAID)],
)
def test_only_a_refund_failing_at_stripe_walks_a_refunded_order_back(current, target):
    # given an order refunded (fully or partly) whose refund Stripe later reports as failed
    order = Order(id="ord_x", state=current, refunded_minor=0, amount_minor=100)
    # when the ordinary path tries the move, then it is refused; the refund-undone path may make it
    with pytest.raises(IllegalTransition):
        move(FakeSession(), order, target, "refund")
    event = move(FakeSession(), order, target, "refund_failed", refund_undone=True)
    assert (event.from_state, event.to_state, order.state) == (current.value, target.value, target)


def test_a_refund_undone_cannot_reopen_an_order_that_was_never_paid():
    with pytest.raises(IllegalTransition):
        move(
            FakeSession(), Order(id="ord_y", state=S.EXPIRED), S.PARTIALLY_REFUNDED, "refund_failed", refund_undone=True
        )


class FakeSession:
    def add_all(self, rows):
        self.rows = rows
