"""The order state machine, without I/O."""

from __future__ import annotations

import pytest

from broadcast.checkout.models import OrderState as S
from broadcast.checkout.states import ALLOWED, check
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
