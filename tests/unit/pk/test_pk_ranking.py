"""Ranking, prizes and the ledger postings of PK bonuses, without I/O; a hypothesis property:
bonuses and after-close refunds keep every transaction zero-sum and the balances equal the sum of
the entries and the recomputed prizes."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import given, settings
from hypothesis import strategies as st

from commission.ledger import check_balanced
from commission.pk_bonus import adjustment_posting, bonus_postings
from distribution.competitions.ranking import (
    CountedOrder,
    Entrant,
    award,
    overlapping,
    prize_total,
    rank,
    recomputed_bonus,
    share,
    standings,
    tier_for,
)

TIERS = [
    {"rank_from": 1, "rank_to": 1, "kind": "bonus_bps", "amount": "300"},
    {"rank_from": 2, "rank_to": 3, "kind": "fixed", "amount": "500"},
]


def test_ties_go_to_the_lower_key_and_ranks_are_distinct():
    assert rank([("ptn_b", 10), ("ptn_a", 10), ("ptn_c", 20)]) == [(1, "ptn_c", 20), (2, "ptn_a", 10), (3, "ptn_b", 10)]


def test_overlap_detection():
    assert overlapping([{"rank_from": 1, "rank_to": 1}, {"rank_from": 1, "rank_to": 10}]) is not None
    assert overlapping([{"rank_from": 2, "rank_to": 10}, {"rank_from": 1, "rank_to": 1}]) is None


def test_standings_and_awards_gmv_with_a_team():
    entrants = [Entrant("pkt_1", "Duo", ("a", "b")), Entrant("c", "C", ("c",)), Entrant("d", "D", ("d",))]
    orders = [CountedOrder("o1", "a", 10000, 0), CountedOrder("o2", "b", 5000, 5000), CountedOrder("o3", "c", 3333, 0)]
    found = standings("gmv", entrants, orders)
    award(found, TIERS)
    assert [(s.entrant.key, s.rank, s.score, s.bonus_by_partner) for s in found] == [
        ("pkt_1", 1, 10000, {"a": 300, "b": 0}),
        ("c", 2, 3333, {"c": 500}),
        ("d", 3, 0, {"d": 0}),
    ]


def test_fixed_prizes_stand_and_shares_are_exact():
    assert recomputed_bonus(tier_for(TIERS, 2), {"a": 1}) is None
    assert share(1000, {"a": 2000, "b": 1000}) == {"a": 667, "b": 333}
    assert share(5, {"a": 0, "b": 0}) == {"a": 3, "b": 2}


refunds = st.lists(st.tuples(st.integers(0, 2), st.integers(1, 5000)), max_size=8)


@settings(max_examples=60, deadline=None)
@given(amounts=st.lists(st.integers(1, 20000), min_size=3, max_size=3), steps=refunds)
def test_bonus_and_adjustments_are_zero_sum_and_end_at_the_recomputed_prize(amounts, steps):
    # given a two-partner team that wins 3 % and a runner-up, paid and closed
    entrants = [Entrant("pkt_1", "Duo", ("a", "b")), Entrant("c", "C", ("c",))]
    orders = {f"o{i}": CountedOrder(f"o{i}", p, amounts[i], 0) for i, p in enumerate(("a", "b", "c"))}
    found = standings("gmv", entrants, orders.values())
    award(found, TIERS)
    results = [
        {
            "rank": s.rank,
            "name": s.entrant.name,
            "partners": [{"partner_id": p, "bonus_minor": s.bonus_by_partner[p]} for p in s.entrant.partner_ids],
        }
        for s in found
    ]
    postings = bonus_postings(
        {
            "competition_id": "pk_1",
            "brand_id": "brd_1",
            "currency": "CNY",
            "closed_at": "2026-11-23T00:00:00+00:00",
            "results": results,
        }
    )
    current = {p: b for s in found for p, b in s.bonus_by_partner.items()}
    # when refunds arrive after the close (adjust_bonus), each posting the change of each prize
    for n, (i, amount) in enumerate(steps):
        order = orders[f"o{i}"]
        orders[order.order_id] = CountedOrder(
            order.order_id, order.partner_id, order.amount_minor, min(order.amount_minor, order.refunded_minor + amount)
        )
        for s in found:
            nets = {p: sum(o.net_minor for o in orders.values() if o.partner_id == p) for p in s.entrant.partner_ids}
            after = recomputed_bonus(tier_for(TIERS, s.rank), nets) if s.score > 0 else None
            if after is None:
                continue
            changes = [
                {"partner_id": p, "delta_minor": after[p] - current[p], "bonus_after_minor": after[p]}
                for p in s.entrant.partner_ids
                if after[p] != current[p]
            ]
            current.update(after)
            postings.append(
                adjustment_posting(
                    {
                        "competition_id": "pk_1",
                        "brand_id": "brd_1",
                        "currency": "CNY",
                        "refund_id": f"re_{n}",
                        "order_id": order.order_id,
                        "adjustments": changes,
                    }
                )
            )
    # then every transaction sums to zero and each balance is the sum of its entries = the prize now
    balances: dict[tuple[str, str], int] = defaultdict(int)
    for posting in postings:
        check_balanced(posting.legs)
        for key, amount in posting.legs:
            balances[(key.owner_id, key.kind)] += amount
    for partner, bonus in current.items():
        assert balances.get((partner, "available"), 0) == bonus
    assert balances[("brd_1", "net")] == -sum(current.values())


def test_a_fixed_prize_written_with_a_decimal_point_is_whole_minor_units():
    assert prize_total({"kind": "fixed", "amount": "500.0"}, 0) == 500
    assert prize_total({"kind": "bonus_bps", "amount": "12.5"}, 10000) == 12  # 12.5 → 12 half-even
