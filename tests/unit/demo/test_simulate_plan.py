"""The simulated sale's plan: reproducible for a seed (the e2e test relies on it), and shaped as asked."""

from __future__ import annotations

from server.demo.seed import demo_token
from server.demo.simulate import SaleConfig, Tokens
from server.demo.simulate.config import SHARERS
from server.demo.simulate.viewer import plan_visits

LINEUP = [{"sku_id": "sku_a"}, {"sku_id": "sku_b"}]


def config(**overrides: object) -> SaleConfig:
    return SaleConfig(base_url="http://127.0.0.1:1", tokens=Tokens("b", "f", {}), **overrides)  # type: ignore[arg-type]


def test_the_same_seed_plans_the_same_sale():
    first = plan_visits(config(viewers=50, seed=3), ["c1", "c2"], LINEUP)
    again = plan_visits(config(viewers=50, seed=3), ["c1", "c2"], LINEUP)
    other = plan_visits(config(viewers=50, seed=4), ["c1", "c2"], LINEUP)
    assert first == again
    assert first != other


def test_the_plan_spreads_viewers_over_the_links_and_buys_about_the_share_asked():
    visits = plan_visits(config(viewers=1000, buy_share=0.3, direct_share=0.1), ["c1", "c2", "c3"], LINEUP)
    direct = sum(v.code is None for v in visits)
    buyers = sum(v.buys is not None for v in visits)
    assert 60 <= direct <= 140 and 240 <= buyers <= 360
    assert {v.code for v in visits} == {None, "c1", "c2", "c3"}
    assert all(0 <= len(v.likes) <= 4 and all(1 <= n <= 10 for n in v.likes) for v in visits)


def test_demo_tokens_are_the_seeds():
    tokens = Tokens.demo("k" * 32)
    assert tokens.brand == demo_token("k" * 32, "brand", "brand")
    assert tokens.partners[SHARERS[1]] == demo_token("k" * 32, f"partner: {SHARERS[1]}", "partner")
    assert len(tokens.partners) == 5
