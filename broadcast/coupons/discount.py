"""What a coupon takes off an order, and how that discount is spread over the order's lines.
Pure functions (no I/O): the same numbers for the checkout, the cart preview and the tests.

Rules: the discount is computed on the eligible lines only (the coupon's SKUs, or all), is never
more than those lines' amount, and never brings the order total below 1 minor unit (Stripe
cannot charge 0, and a free order is not an order here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from server.kernel.money import apply_rate, split_exact


@dataclass(frozen=True)
class Terms:
    amount_off_minor: int | None
    percent_off_bps: Decimal | None
    min_spend_minor: int
    sku_ids: tuple[str, ...]  # empty: every SKU of the brand


@dataclass(frozen=True)
class Line:
    sku_id: str
    amount_minor: int  # unit price × quantity, before any discount


def eligible(terms: Terms, lines: list[Line]) -> list[bool]:
    return [not terms.sku_ids or line.sku_id in terms.sku_ids for line in lines]


def eligible_minor(terms: Terms, lines: list[Line]) -> int:
    return sum(line.amount_minor for line, ok in zip(lines, eligible(terms, lines), strict=True) if ok)


def discount_minor(terms: Terms, lines: list[Line]) -> int:
    """The discount on these lines (0 if none is eligible); min spend is checked by the caller."""
    base = eligible_minor(terms, lines)
    raw = terms.amount_off_minor if terms.amount_off_minor is not None else apply_rate(base, terms.percent_off_bps or 0)
    ceiling = min(base, sum(line.amount_minor for line in lines) - 1)
    return max(0, min(raw, ceiling))


def allocate(discount: int, lines: list[Line], mask: list[bool]) -> list[int]:
    """`discount` spread over the masked lines in proportion to their amounts (largest remainder):
    the parts sum exactly to `discount` and no part exceeds its line's amount."""
    weights = [line.amount_minor if ok else 0 for line, ok in zip(lines, mask, strict=True)]
    if discount <= 0 or sum(weights) == 0:
        return [0] * len(lines)
    if discount > sum(weights):
        raise ValueError("a discount cannot exceed the lines it applies to")
    return split_exact(discount, weights)
