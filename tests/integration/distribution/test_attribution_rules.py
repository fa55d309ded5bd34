"""Attribution rules, one test per rule and edge, on SQLite and PostgreSQL: last click within the
window (inclusive edge), customer binding against a newer click, binding expiry and forever,
self-referral, suspended partners, and cookies that must never attribute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from distribution.attribution import attribute_order
from distribution.models import Attribution, Click, CustomerBinding, PartnerDevice
from server.kernel.db import make_engine, make_sessionmaker
from tests.factories_distribution import DAY, PAID_AT, cookie_for, facts, row_world

SECOND = timedelta(seconds=1)
BUYER = {"visitor_id": "returning", "email": "returning@example.com"}


@pytest.fixture
async def db(db_url):
    engine = make_engine(db_url, pool_size=0)
    async with make_sessionmaker(engine)() as session:
        yield session
    await engine.dispose()


async def pay(db, order_facts):
    result = await attribute_order(db, order_facts, secret_key="test-secret-key-0123456789abcdef")
    await db.commit()
    return result


async def test_last_click_exactly_at_the_window_edge_attributes(db):
    # given a click exactly 7 days (the default window) before payment
    world = await row_world(db)
    token = cookie_for(world.links[0], PAID_AT - 7 * DAY)
    # when the order is paid
    result = await pay(db, facts(world, token=token))
    # then the partner earns by last click, and the reason is stored with the policy of the day
    assert result["rule"] == "last_click" and result["partner_id"] == world.partners[0].id
    assert result["link_id"] == world.links[0].id and result["earns"] is True
    assert result["policy"]["attribution_window_days"] == 7
    stored = (await db.exec(select(Attribution))).one()
    assert stored.rule == "last_click" and stored.click_id == result["click_id"]


async def test_click_one_second_past_the_window_does_not_attribute(db):
    world = await row_world(db)
    token = cookie_for(world.links[0], PAID_AT - 7 * DAY - SECOND)
    result = await pay(db, facts(world, token=token))
    assert result["rule"] == "none" and result["partner_id"] is None and result["earns"] is False


async def test_brand_window_setting_is_used(db):
    world = await row_world(db, attribution_window_days=1)
    inside = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT - DAY)))
    outside = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT - DAY - SECOND)))
    assert inside["rule"] == "last_click" and outside["rule"] == "none"


async def test_forged_unknown_and_foreign_cookies_never_attribute(db):
    world = await row_world(db)
    other = await row_world(db)
    genuine = cookie_for(world.links[0], PAID_AT - DAY)
    forged = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    wrong_key = cookie_for(world.links[0], PAID_AT - DAY, secret="another-secret-0123456789")
    foreign = cookie_for(other.links[0], PAID_AT - DAY)  # a real link, but another brand's
    for token in (forged, wrong_key, foreign, "garbage", "v1.a.b.c.notanumber.sig", "x" * 5000, ""):
        result = await pay(db, facts(world, token=token, visitor_id=None))
        assert result["rule"] == "none", token


async def test_binding_beats_a_newer_click_from_another_partner(db):
    # given a buyer who ordered through partner 0 (and so is bound to it for 30 days)
    world = await row_world(db)
    first = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT - DAY), **BUYER))
    assert first["rule"] == "last_click"
    # when, ten days later, they click partner 1's link and order
    later = PAID_AT + 10 * DAY
    second = await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[1], later - SECOND), **BUYER))
    # then partner 0 still earns, by binding, bound since the first order
    assert second["rule"] == "binding" and second["partner_id"] == world.partners[0].id
    assert second["bound_since"] == PAID_AT.isoformat() and second["link_id"] is None


async def test_binding_expires_exactly_at_the_end_of_the_protection_period(db):
    world = await row_world(db, protection_period_days=30)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), **BUYER))
    just_before = PAID_AT + 30 * DAY - SECOND
    at_end = PAID_AT + 30 * DAY
    kept = await pay(db, facts(world, paid_at=just_before, token=cookie_for(world.links[1], just_before), **BUYER))
    moved = await pay(db, facts(world, paid_at=at_end, token=cookie_for(world.links[1], at_end), **BUYER))
    assert kept["rule"] == "binding" and kept["partner_id"] == world.partners[0].id
    assert moved["rule"] == "last_click" and moved["partner_id"] == world.partners[1].id
    # and the buyer is now bound to partner 1
    after = at_end + DAY
    again = await pay(db, facts(world, paid_at=after, token=cookie_for(world.links[0], after), **BUYER))
    assert again["rule"] == "binding" and again["partner_id"] == world.partners[1].id


async def test_forever_binding_never_expires(db):
    world = await row_world(db, protection_period_days=None)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), **BUYER))
    years = PAID_AT + 3000 * DAY
    result = await pay(db, facts(world, paid_at=years, token=cookie_for(world.links[1], years), **BUYER))
    assert result["rule"] == "binding" and result["partner_id"] == world.partners[0].id
    assert result["policy"]["protection_period_days"] is None
    assert (await db.exec(select(CustomerBinding))).first().expires_at is None


async def test_protection_zero_means_no_binding(db):
    world = await row_world(db, protection_period_days=0)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), **BUYER))
    later = PAID_AT + DAY
    result = await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[1], later), **BUYER))
    assert result["rule"] == "last_click" and result["partner_id"] == world.partners[1].id
    assert (await db.exec(select(CustomerBinding))).first() is None


async def test_self_referral_by_contact_earns_nothing_and_does_not_bind(db):
    world = await row_world(db)
    partner = world.partners[0]
    result = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), email=partner.contact.upper()))
    assert result["rule"] == "self_referral" and result["self_referral"] is True and result["earns"] is False
    assert result["partner_id"] == partner.id
    assert (await db.exec(select(CustomerBinding))).first() is None


async def test_self_referral_by_the_partners_own_device(db):
    world = await row_world(db)
    db.add(PartnerDevice(partner_id=world.partners[0].id, visitor_id="partner-phone"))
    await db.commit()
    result = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), visitor_id="partner-phone"))
    assert result["rule"] == "self_referral" and result["earns"] is False


async def test_self_referral_earns_when_the_brand_allows_it(db):
    world = await row_world(db, self_referral_earns=True)
    partner = world.partners[0]
    result = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), email=partner.contact))
    assert result["rule"] == "last_click" and result["self_referral"] is True and result["earns"] is True


async def test_suspended_partner_never_attributes_not_even_by_binding(db):
    # given a buyer bound to partner 0, who is then suspended
    world = await row_world(db)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), **BUYER))
    world.partnerships[0].state = "suspended"
    db.add(world.partnerships[0])
    await db.commit()
    later = PAID_AT + DAY
    # when the buyer orders again with partner 0's cookie: nothing; with partner 1's: partner 1
    own = await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[0], later), **BUYER))
    other = await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[1], later), **BUYER))
    assert own["rule"] == "none" and own["partner_id"] is None
    assert other["rule"] == "last_click" and other["partner_id"] == world.partners[1].id


async def test_without_a_cookie_the_visitors_last_stored_click_counts(db):
    world = await row_world(db)
    for n, (link, at) in enumerate([(world.links[0], PAID_AT - 2 * DAY), (world.links[1], PAID_AT - DAY)]):
        db.add(
            Click(
                id=f"clk_{n}",
                link_id=link.id,
                partner_id=link.partner_id,
                brand_id=world.brand_id,
                session_id=world.session_id,
                visitor_id="v-stored",
                clicked_at=at,
            )
        )
    await db.commit()
    result = await pay(db, facts(world, visitor_id="v-stored", email=None))
    assert result["rule"] == "last_click" and result["partner_id"] == world.partners[1].id
    assert result["click_id"] == "clk_1"


async def test_attributing_the_same_order_twice_returns_the_stored_decision(db):
    world = await row_world(db)
    order = facts(world, token=cookie_for(world.links[0], PAID_AT))
    first = await pay(db, order)
    world.partnerships[0].state = "suspended"
    db.add(world.partnerships[0])
    await db.commit()
    again = await pay(db, order)
    assert again == first
    assert len((await db.exec(select(Attribution))).all()) == 1
