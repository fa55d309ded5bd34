"""Pure pieces: the signed attribution cookie, bot user agents, buyer normalisation, the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distribution.attribution.contacts import normal_email, normal_phone
from distribution.attribution.policy import AttributionPolicy
from distribution.clicks.bots import is_bot_agent
from distribution.clicks.token import AttributionClaim, sign_claim, verify_claim

KEY = "unit-secret-0123456789abcdef"
WHEN = datetime(2026, 11, 1, 8, 30, 15, tzinfo=UTC)


def test_a_signed_claim_round_trips():
    claim = AttributionClaim("lnk_1", "ptn_1", "clk_1", WHEN)
    assert verify_claim(KEY, sign_claim(KEY, claim)) == claim


@given(st.integers(min_value=0, max_value=200), st.characters(codec="ascii"))
def test_any_single_character_change_is_refused(position, replacement):
    token = sign_claim(KEY, AttributionClaim("lnk_1", "ptn_1", "clk_1", WHEN))
    index = position % len(token)
    changed = token[:index] + replacement + token[index + 1 :]
    if changed != token:
        assert verify_claim(KEY, changed) is None


def test_no_key_never_verifies_anything():
    assert verify_claim("", sign_claim("", AttributionClaim("lnk_1", "ptn_1", "clk_1", WHEN))) is None


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) MicroMessenger/8.0", False),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile Safari/537.36", False),
        ("Googlebot/2.1 (+http://www.google.com/bot.html)", True),
        ("facebookexternalhit/1.1", True),
        ("curl/8.5.0", True),
        ("python-requests/2.32", True),
        ("", True),
        (None, True),
    ],
)
def test_bot_agents(agent, bot):
    assert is_bot_agent(agent) is bot


def test_buyer_contacts_are_normalised():
    assert normal_email("wechat: Lin.Chen@Example.COM ") == "lin.chen@example.com"
    assert normal_phone("+86 138-0013-8000") == normal_phone("13800138000") == "+8613800138000"
    assert normal_phone("store 12") is None and normal_email("no email here") is None


def test_window_is_inclusive_at_the_edge_and_tolerates_small_clock_skew():
    policy = AttributionPolicy(
        attribution_window_days=7, protection_period_days=30, self_referral_earns=False, default_commission_bps=1000
    )
    assert policy.in_window(WHEN - timedelta(days=7), WHEN)
    assert not policy.in_window(WHEN - timedelta(days=7, microseconds=1), WHEN)
    assert policy.in_window(WHEN + timedelta(minutes=5), WHEN)
    assert not policy.in_window(WHEN + timedelta(minutes=6), WHEN)
