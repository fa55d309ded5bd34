"""Customer binding (锁粉) only on what the buyer proved, and self-referral through disguises, on
SQLite and PostgreSQL: a contact typed at checkout never binds and never finds a binding; the
paying browser and the payment's billing email do; keys are HMAC-SHA256 under SECRET_KEY."""

from __future__ import annotations

import hashlib

import pytest
from sqlmodel import select

from distribution.attribution import attribute_order
from distribution.models import CustomerBinding
from server.kernel.db import make_engine, make_sessionmaker
from tests.app_settings import TEST_SECRET
from tests.factories_distribution import DAY, PAID_AT, cookie_for, facts, row_world

VICTIM = "victim.buyer@example.com"


@pytest.fixture
async def db(db_url):
    engine = make_engine(db_url, pool_size=0)
    async with make_sessionmaker(engine)() as session:
        yield session
    await engine.dispose()


async def pay(db, order_facts):
    result = await attribute_order(db, order_facts, secret_key=TEST_SECRET)
    await db.commit()
    return result


async def test_a_partner_typing_a_victims_email_on_its_own_link_earns_nothing_on_the_victims_later_order(db):
    # given partner 1 pays on its own link from a fresh browser, typing the victim's email at checkout
    world = await row_world(db)
    hijack = await pay(db, facts(world, token=cookie_for(world.links[1], PAID_AT), email=VICTIM))
    assert hijack["partner_id"] == world.partners[1].id  # its own order: the click it made
    # when, days later, the victim orders through partner 0's link, then once more with no click
    later = PAID_AT + 3 * DAY
    clicked = await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[0], later), email=VICTIM))
    organic = await pay(db, facts(world, paid_at=later + DAY, email=VICTIM))
    # then partner 1 earns on neither: the click's partner earns, and the organic order is nobody's
    assert clicked["rule"] == "last_click" and clicked["partner_id"] == world.partners[0].id
    assert organic["rule"] == "none" and organic["partner_id"] is None


async def test_a_typed_email_never_takes_an_existing_binding(db):
    # given the victim bound to partner 0 by the billing email of a payment
    world = await row_world(db)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), verified_email=VICTIM))
    # when partner 1 pays on its own link typing the victim's email
    later = PAID_AT + DAY
    await pay(db, facts(world, paid_at=later, token=cookie_for(world.links[1], later), email=VICTIM))
    # then the victim's next payment (another device, clicking partner 1) stays with partner 0
    after = later + DAY
    result = await pay(
        db, facts(world, paid_at=after, token=cookie_for(world.links[1], after), verified_email=VICTIM, email=None)
    )
    assert result["rule"] == "binding" and result["partner_id"] == world.partners[0].id


async def test_a_verified_billing_email_binds_across_devices_through_its_disguises(db):
    # given a buyer who paid through partner 0 with a billing email
    world = await row_world(db)
    first = await pay(
        db, facts(world, token=cookie_for(world.links[0], PAID_AT), verified_email="Lin.Chen+shop@gmail.com")
    )
    assert first["rule"] == "last_click"
    # when they pay on another device, through partner 1's link, the same mailbox written otherwise
    later = PAID_AT + 5 * DAY
    second = await pay(
        db,
        facts(world, paid_at=later, token=cookie_for(world.links[1], later), verified_email="linchen@GoogleMail.com"),
    )
    # then partner 0 keeps the buyer, by binding
    assert second["rule"] == "binding" and second["partner_id"] == world.partners[0].id
    assert second["bound_since"] == PAID_AT.isoformat()


async def test_the_paying_browser_binds(db):
    world = await row_world(db)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), visitor_id="browser-1", email=None))
    later = PAID_AT + DAY
    result = await pay(
        db, facts(world, paid_at=later, token=cookie_for(world.links[1], later), visitor_id="browser-1", email=None)
    )
    assert result["rule"] == "binding" and result["partner_id"] == world.partners[0].id


async def test_a_typed_phone_across_devices_does_not_bind(db):
    world = await row_world(db)
    await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), email=None, phone="+86 138 0013 8000"))
    later = PAID_AT + DAY
    result = await pay(
        db, facts(world, paid_at=later, token=cookie_for(world.links[1], later), email=None, phone="13800138000")
    )
    assert result["rule"] == "last_click" and result["partner_id"] == world.partners[1].id


async def test_binding_keys_are_keyed_hashes_of_proven_contacts_only(db):
    world = await row_world(db)
    await pay(
        db,
        facts(
            world,
            token=cookie_for(world.links[0], PAID_AT),
            visitor_id="browser-2",
            email="typed@example.com",
            phone="13800138000",
            verified_email="paid@example.com",
        ),
    )
    keys = {row.buyer_key for row in (await db.exec(select(CustomerBinding))).all()}
    assert {key.split(":")[0] for key in keys} == {"h1-visitor", "h1-email"}
    bare = {hashlib.sha256(s.encode()).hexdigest() for s in ("email:paid@example.com", "visitor:browser-2")}
    assert not any(key.split(":")[1] in bare for key in keys)


@pytest.mark.parametrize(
    ("contact", "buyer"),
    [
        ("Partner.Email+x@gmail.com", {"email": "partneremail@googlemail.com"}),
        ("partneremail@googlemail.com", {"email": None, "verified_email": "PARTNER.EMAIL+shop@gmail.com."}),
        ("+86 138 0013 8000", {"phone": "13800138000"}),
        ("13800138000", {"phone": "+86 138-0013-8000"}),
    ],
)
async def test_a_disguised_self_referral_earns_nothing(db, contact, buyer):
    # given a partner whose contact is written one way
    world = await row_world(db)
    partner = world.partners[0]
    partner.contact = contact
    db.add(partner)
    await db.commit()
    # when it buys through its own link, its contact written another way
    result = await pay(db, facts(world, token=cookie_for(world.links[0], PAID_AT), **buyer))
    # then it is a self-referral: nothing earned, nothing bound
    assert result["rule"] == "self_referral" and result["earns"] is False and result["self_referral"] is True
    assert (await db.exec(select(CustomerBinding))).first() is None
