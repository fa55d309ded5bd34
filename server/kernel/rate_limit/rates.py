"""A rate as operators write it: `10/minute` (also `/second`, `/hour`; `0/minute` = no limit)."""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIODS_S = {"second": 1, "minute": 60, "hour": 3600}
SHAPE = re.compile(r"^\s*(\d{1,7})\s*/\s*(second|minute|hour)\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    period_s: int

    @property
    def unlimited(self) -> bool:
        return self.count == 0

    def times(self, factor: int) -> Rate:
        return Rate(self.count * factor, self.period_s)

    def __str__(self) -> str:
        unit = next(name for name, seconds in PERIODS_S.items() if seconds == self.period_s)
        return f"{self.count}/{unit}"


def parse_rate(text: str) -> Rate:
    match = SHAPE.match(text.lower())
    if match is None:
        raise ValueError(f"a rate looks like 10/minute (per second, minute or hour), not {text[:40]!r}")
    return Rate(int(match.group(1)), PERIODS_S[match.group(2)])
