"""Every journal transaction must sum to zero per currency before anything is inserted."""

from __future__ import annotations

import pytest

from commission.ledger import AccountKey, LedgerImbalance, account_id, check_balanced

A = AccountKey("partner", "ptn_1", "pending", "CNY")
B = AccountKey("brand", "brd_1", "sales", "CNY")
C = AccountKey("brand", "brd_1", "sales", "USD")


def test_balanced_legs_pass():
    check_balanced([(A, 100), (B, -100)])


@pytest.mark.parametrize("legs", [[(A, 100), (B, -99)], [(A, 100), (C, -100)], [(A, 1.5), (B, -1.5)]])
def test_unbalanced_or_non_integer_legs_are_refused(legs):
    with pytest.raises(LedgerImbalance):
        check_balanced(legs)


def test_account_ids_are_deterministic_and_distinct():
    assert account_id(A) == account_id(AccountKey("partner", "ptn_1", "pending", "CNY"))
    assert len({account_id(A), account_id(B), account_id(C)}) == 3
    assert account_id(A).startswith("lac_") and len(account_id(A)) <= 40
