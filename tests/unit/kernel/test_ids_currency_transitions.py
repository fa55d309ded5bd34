from __future__ import annotations

import pytest

from broadcast.models import SessionState
from broadcast.transitions import can_sell, check_transition
from server.kernel.currency import format_minor, is_iso_currency, minor_unit_exponent
from server.kernel.ids import has_prefix, new_id
from server.kernel.problems import IllegalTransition


def test_ids_are_prefixed_and_time_ordered():
    ids = [new_id("brd") for _ in range(200)]
    assert all(has_prefix(i, "brd") for i in ids)
    assert len(set(ids)) == 200
    assert [i[:14] for i in ids] == sorted(i[:14] for i in ids)  # the millisecond part never goes back


@pytest.mark.parametrize(
    ("code", "ok"),
    [("CNY", True), ("USD", True), ("JPY", True), ("usd", False), ("XXY", False), ("CN", False), ("RMB", False)],
)
def test_iso_currency_codes(code, ok):
    assert is_iso_currency(code) is ok


def test_minor_units_by_currency():
    assert minor_unit_exponent("JPY") == 0 and minor_unit_exponent("KWD") == 3 and minor_unit_exponent("CNY") == 2
    assert format_minor(123456, "CNY") == "1,234.56 CNY"
    assert format_minor(-5, "USD") == "-0.05 USD"
    assert format_minor(1200, "JPY") == "1,200 JPY"


# an ended show becomes a replay only by attaching a recording (broadcast.replays)
ALLOWED = {("scheduled", "live"), ("scheduled", "cancelled"), ("live", "ended"), ("ended", "replay")}


@pytest.mark.parametrize("current", list(SessionState))
@pytest.mark.parametrize("target", list(SessionState))
def test_session_state_machine(current, target):
    if (current.value, target.value) in ALLOWED:
        check_transition(current, target)
    else:
        with pytest.raises(IllegalTransition):
            check_transition(current, target)


def test_only_scheduled_live_or_replayed_sessions_sell():
    assert [s.value for s in SessionState if can_sell(s)] == ["scheduled", "live", "replay"]
