"""Splitting a paid order's amount across the partner, its parent channel partner, the platform
fee and the brand. Pure functions: the service resolves the rates, this does the arithmetic.

Rounding: every share is `server.kernel.money.apply_rate` (ROUND_HALF_EVEN, once per share); the
brand's net is the remainder, so a split always sums exactly to its base (the order amount)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server.kernel.money import apply_rate, round_minor, split_exact

FULL_BPS = Decimal(10_000)


class SplitAboveWhole(ValueError):
    """The rates of one split add up to more than 100 %."""


@dataclass(frozen=True, slots=True)
class Rate:
    bps: Decimal
    rule: str  # which rule produced it, e.g. "partner_sku:cmr_…", "brand_default:brd_…"


@dataclass(frozen=True, slots=True)
class SplitLine:
    party: str  # partner | parent | platform | brand
    owner_id: str
    sku_id: str | None
    base_minor: int
    rate_bps: Decimal | None
    amount_minor: int
    rule: str

    def as_json(self) -> dict[str, Any]:
        return {"party": self.party, "owner_id": self.owner_id, "sku_id": self.sku_id, "base_minor": self.base_minor,
                "rate_bps": None if self.rate_bps is None else str(self.rate_bps),
                "amount_minor": self.amount_minor, "rule": self.rule}


@dataclass
class Split:
    amount_minor: int
    lines: list[SplitLine] = field(default_factory=list)

    def total(self, party: str) -> int:
        return sum(line.amount_minor for line in self.lines if line.party == party)


@dataclass(frozen=True, slots=True)
class Parties:
    brand_id: str
    partner_id: str | None
    parent_id: str | None


def check_rates(*rates: Decimal) -> None:
    for rate in rates:
        if not Decimal(0) <= rate <= FULL_BPS:
            raise SplitAboveWhole(f"rate {rate} bps is outside 0–10000 bps (0–100 %)")
    if sum(rates, Decimal(0)) > FULL_BPS:
        raise SplitAboveWhole(f"rates add up to {sum(rates, Decimal(0))} bps, more than 10000 bps (100 %)")


def line_bases(amount_minor: int, line_amounts: list[int]) -> list[int]:
    """Each line's commission base; scaled so the bases sum exactly to the order amount."""
    if not line_amounts or sum(line_amounts) == amount_minor:
        return line_amounts
    if sum(line_amounts) <= 0:
        return [amount_minor] + [0] * (len(line_amounts) - 1)
    return split_exact(amount_minor, line_amounts)


def compute_split(amount_minor: int, parties: Parties, lines: list[tuple[str, int, Rate]],
                  parent_rate: Rate, fee_rate: Rate) -> Split:
    """`lines`: (sku_id, line amount, partner rate). The partner's rate on a line is clamped so the
    line's rates never exceed 100 % (the brand was told at rule time; this guards later changes)."""
    split = Split(amount_minor)
    bases = line_bases(amount_minor, [amount for _, amount, _ in lines])
    if parties.partner_id is not None:
        for (sku_id, _, rate), base in zip(lines, bases, strict=True):
            split.lines.extend(_partner_lines(parties, sku_id, base, rate, parent_rate, fee_rate))
    fee = apply_rate(amount_minor, fee_rate.bps)
    split.lines.append(SplitLine("platform", "platform", None, amount_minor, fee_rate.bps, fee, fee_rate.rule))
    net = amount_minor - sum(line.amount_minor for line in split.lines)
    split.lines.append(SplitLine("brand", parties.brand_id, None, amount_minor, None, net, "remainder"))
    return split


def _partner_lines(parties: Parties, sku_id: str, base: int, rate: Rate, parent_rate: Rate,
                   fee_rate: Rate) -> list[SplitLine]:
    parent_bps = parent_rate.bps if parties.parent_id else Decimal(0)
    room = FULL_BPS - parent_bps - fee_rate.bps
    bps, rule = (rate.bps, rate.rule) if rate.bps <= room else (max(room, Decimal(0)), rate.rule + "+clamped")
    out = [SplitLine("partner", parties.partner_id or "", sku_id, base, bps, apply_rate(base, bps), rule)]
    if parties.parent_id:
        out.append(SplitLine("parent", parties.parent_id, sku_id, base, parent_bps, apply_rate(base, parent_bps),
                             parent_rate.rule))
    return out


def proportional(part_minor: int, refunded_minor: int, amount_minor: int) -> int:
    """The share of `part_minor` that a cumulative refund of `refunded_minor` reverses."""
    if amount_minor <= 0:
        return part_minor
    return round_minor(Decimal(part_minor) * Decimal(refunded_minor) / Decimal(amount_minor))
