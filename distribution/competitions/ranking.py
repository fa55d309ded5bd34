"""Scores, ranks and prizes — pure functions, shared by the live board, the close and the
after-close recomputation.

Score: `gmv` = counted net GMV (paid minus refunded minor units); `orders` = counted orders not
fully refunded. Ties: the lower entrant key (partner id, or the team's pkt_ id) ranks first — a
rule both the sorted set and the database can apply without history. An entrant with a score of
0 wins no prize, whatever its rank."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server.kernel.money import apply_rate, split_exact


@dataclass(frozen=True, slots=True)
class CountedOrder:
    order_id: str
    partner_id: str
    amount_minor: int
    refunded_minor: int

    @property
    def net_minor(self) -> int:
        return max(0, self.amount_minor - self.refunded_minor)


@dataclass(frozen=True, slots=True)
class Entrant:
    key: str
    name: str
    partner_ids: tuple[str, ...]


@dataclass
class Standing:
    entrant: Entrant
    rank: int = 0
    score: int = 0
    net_by_partner: dict[str, int] = field(default_factory=dict)
    orders_by_partner: dict[str, list[str]] = field(default_factory=dict)
    bonus_by_partner: dict[str, int] = field(default_factory=dict)

    @property
    def net_minor(self) -> int:
        return sum(self.net_by_partner.values())

    @property
    def bonus_minor(self) -> int:
        return sum(self.bonus_by_partner.values())


def order_score(metric: str, order: CountedOrder) -> int:
    """What one counted order adds to its entrant's score."""
    if metric == "orders":
        return 1 if order.net_minor > 0 else 0
    return order.net_minor


def rank(entries: Iterable[tuple[str, int]]) -> list[tuple[int, str, int]]:
    """(rank, entrant key, score): higher score first, ties to the lower key."""
    ordered = sorted(entries, key=lambda kv: (-kv[1], kv[0]))
    return [(i + 1, key, score) for i, (key, score) in enumerate(ordered)]


def standings(metric: str, entrants: Sequence[Entrant], orders: Iterable[CountedOrder]) -> list[Standing]:
    by_key = {
        e.key: Standing(
            e, net_by_partner={p: 0 for p in e.partner_ids}, orders_by_partner={p: [] for p in e.partner_ids}
        )
        for e in entrants
    }
    owner = {p: e.key for e in entrants for p in e.partner_ids}
    for order in orders:
        key = owner.get(order.partner_id)
        if key is None:
            continue
        standing = by_key[key]
        standing.score += order_score(metric, order)
        standing.net_by_partner[order.partner_id] += order.net_minor
        standing.orders_by_partner[order.partner_id].append(order.order_id)
    ranked = rank((k, s.score) for k, s in by_key.items())
    for position, key, _ in ranked:
        by_key[key].rank = position
    return [by_key[key] for _, key, _ in ranked]


def tier_for(tiers: Sequence[Mapping[str, Any]], position: int) -> Mapping[str, Any] | None:
    return next((t for t in tiers if int(t["rank_from"]) <= position <= int(t["rank_to"])), None)


def prize_total(tier: Mapping[str, Any] | None, net_minor: int) -> int:
    if tier is None:
        return 0
    if tier["kind"] == "bonus_bps":
        return apply_rate(net_minor, Decimal(str(tier["amount"])))
    return int(Decimal(str(tier["amount"])))  # validated whole minor units ("500" or "500.0")


def share(total_minor: int, net_by_partner: Mapping[str, int]) -> dict[str, int]:
    """A team's prize among its partners in proportion to their counted GMV (equal if all zero)."""
    partners = sorted(net_by_partner)
    weights = [net_by_partner[p] for p in partners]
    if not any(weights):
        weights = [1] * len(partners)
    return dict(zip(partners, split_exact(total_minor, weights), strict=True))


def award(standing_list: Sequence[Standing], tiers: Sequence[Mapping[str, Any]]) -> None:
    for standing in standing_list:
        total = prize_total(tier_for(tiers, standing.rank), standing.net_minor) if standing.score > 0 else 0
        standing.bonus_by_partner = share(total, standing.net_by_partner)


def recomputed_bonus(tier: Mapping[str, Any] | None, net_by_partner: Mapping[str, int]) -> dict[str, int] | None:
    """`adjust_bonus`: a percentage prize on the net GMV after refunds, shared again; None for a
    fixed prize (it stands) or no prize."""
    if tier is None or tier["kind"] != "bonus_bps":
        return None
    return share(prize_total(tier, sum(net_by_partner.values())), net_by_partner)


def overlapping(tiers: Sequence[Mapping[str, Any]]) -> tuple[Mapping[str, Any], Mapping[str, Any]] | None:
    ordered = sorted(tiers, key=lambda t: (int(t["rank_from"]), int(t["rank_to"])))
    for before, after in itertools.pairwise(ordered):
        if int(after["rank_from"]) <= int(before["rank_to"]):
            return before, after
    return None


def group_members(members: Iterable[tuple[str, str, str]]) -> list[Entrant]:
    """(entrant key, entrant name, partner id) rows → entrants."""
    grouped: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, name, partner_id in members:
        grouped[(key, name)].append(partner_id)
    return [Entrant(key, name, tuple(sorted(ps))) for (key, name), ps in sorted(grouped.items())]
