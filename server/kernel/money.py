"""Money arithmetic: integer minor units, Decimal basis-point rates, one rounding function.

Rounding mode is ROUND_HALF_EVEN (banker's rounding) everywhere: it has no bias across many
orders, which matters when millions of commissions are summed. Splits use the largest-remainder
method so the parts always sum exactly to the whole."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from server.kernel.currency import validate_currency

ROUNDING = ROUND_HALF_EVEN
BPS_PER_UNIT = Decimal(10_000)


@dataclass(frozen=True, slots=True)
class Money:
    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("amount_minor must be an int (minor units)")
        validate_currency(self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")


def round_minor(value: Decimal) -> int:
    """The one rounding function: a Decimal amount of minor units to an int."""
    return int(value.quantize(Decimal(1), rounding=ROUNDING))


def apply_rate(amount_minor: int, rate_bps: Decimal | int) -> int:
    """rate (basis points, 100 bps = 1 %) × amount, rounded once."""
    return round_minor(Decimal(amount_minor) * Decimal(rate_bps) / BPS_PER_UNIT)


def split_exact(total_minor: int, weights: list[int] | list[Decimal]) -> list[int]:
    """Split `total_minor` in proportion to `weights`; the parts sum exactly to the total.

    Largest remainder: floor every share, then hand the leftover units one by one to the shares
    with the largest fractional parts (ties to the earliest), so the result is deterministic."""
    if not weights:
        raise ValueError("split needs at least one weight")
    dec = [Decimal(w) for w in weights]
    if any(w < 0 for w in dec) or sum(dec) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    sign = -1 if total_minor < 0 else 1
    magnitude = abs(total_minor)
    exact = [Decimal(magnitude) * w / sum(dec) for w in dec]
    floors = [int(x) for x in exact]
    leftover = magnitude - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:leftover]:
        floors[i] += 1
    return [sign * part for part in floors]
