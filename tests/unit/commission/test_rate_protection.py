"""Rate protection: a decrease waits for the brand's next midnight, none in its last ten minutes,
nothing backdated; an increase applies at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commission.rate_protection import Backdated, DecreaseFrozen, effective_at, next_midnight

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 11, 28, hour, minute, second, tzinfo=SHANGHAI).astimezone(UTC)


def test_a_decrease_at_23_00_applies_at_the_next_midnight_in_the_brands_zone():
    when = effective_at(local(23), "Asia/Shanghai", None, decrease=True)
    assert when == datetime(2026, 11, 29, 0, 0, tzinfo=SHANGHAI)
    assert when == datetime(2026, 11, 28, 16, 0, tzinfo=UTC)


def test_the_zone_is_the_brands():
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai, 07:00 in New York
    assert next_midnight(now, "America/New_York") == datetime(2026, 11, 29, 5, 0, tzinfo=UTC)


def test_an_increase_applies_at_once():
    assert effective_at(local(23, 55), "Asia/Shanghai", None, decrease=False) == local(23, 55)


@pytest.mark.parametrize("minute", [50, 59])
def test_no_decrease_in_the_last_ten_minutes(minute):
    with pytest.raises(DecreaseFrozen):
        effective_at(local(23, minute), "Asia/Shanghai", None, decrease=True)
    assert effective_at(local(23, 49, 59), "Asia/Shanghai", None, decrease=True) == local(23) + timedelta(hours=1)


def test_a_backdated_change_is_refused():
    with pytest.raises(Backdated):
        effective_at(local(12), "Asia/Shanghai", local(11), decrease=False)


def test_a_later_decrease_keeps_its_later_date():
    later = local(12) + timedelta(days=3)
    assert effective_at(local(12), "Asia/Shanghai", later, decrease=True) == later
