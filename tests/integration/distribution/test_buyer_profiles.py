"""Buyer profiles kept from OrderPaid / OrderRefunded through the outbox: counts, net spend in
minor units, first/last purchase, bound partner, consent from the ticked box; replays change
nothing; a withdrawal is not undone by an older order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from distribution.buyers.models import BuyerProfile
from server.kernel.outbox import OutboxEvent
from tests.factories import make_brand, make_token
from tests.factories_buyers import buyer_orders, paid, profile_of
from tests.factories_commission import emit_events, order_refunded_payload

DAY1 = datetime(2026, 11, 1, 10, tzinfo=UTC)


async def new_brand(app, client) -> str:
    return (await make_brand(client, await make_token(app, "admin")))["id"]  # type: ignore[no-any-return]


async def test_a_profile_counts_orders_spend_and_purchase_dates(app, client):
    # given a brand
    brand = await new_brand(app, client)
    # when the same mailbox pays twice and another buyer once
    first = paid(brand, "Lin.Chen@gmail.com", 1200, paid_at=DAY1)
    second = paid(brand, "linchen+x@googlemail.com", 800, paid_at=DAY1 + timedelta(days=3), partner_id=None)
    await emit_events(app, ("OrderPaid", first), ("OrderPaid", second), ("OrderPaid", paid(brand, "ann@example.com")))
    # then the two disguises are one profile with both orders
    profile = await profile_of(app, brand, "lin.chen@gmail.com")
    assert profile is not None
    assert (profile.orders_count, profile.net_spend_minor, profile.currency) == (2, 2000, "CNY")
    assert profile.first_purchase_at == DAY1 and profile.last_purchase_at == DAY1 + timedelta(days=3)
    assert profile.marketing_consent is False  # nobody ticked the box
    assert profile.buyer_key.startswith("h1-email:") and "gmail" not in profile.buyer_key  # a keyed hash, no contact
    assert len(await buyer_orders(app, brand)) == 3


async def test_a_refund_lowers_spend_and_a_full_refund_drops_the_order_from_the_count(app, client):
    # given a buyer with two paid orders
    brand = await new_brand(app, client)
    one, two = paid(brand, "bo@example.com", 1000), paid(brand, "bo@example.com", 500)
    await emit_events(app, ("OrderPaid", one), ("OrderPaid", two))
    # when the first is refunded in part and the second in full
    await emit_events(
        app,
        ("OrderRefunded", order_refunded_payload(one, 300, 300)),
        ("OrderRefunded", order_refunded_payload(two, 500, 500)),
    )
    # then spend is what stays paid and only the first still counts as a purchase
    profile = await profile_of(app, brand, "bo@example.com")
    assert profile is not None and (profile.orders_count, profile.net_spend_minor) == (1, 700)


async def test_a_replayed_order_paid_changes_nothing(app, client):
    # given a buyer's paid order, delivered
    brand = await new_brand(app, client)
    order = paid(brand, "rep@example.com", 900)
    await emit_events(app, ("OrderPaid", order))
    # when the same OrderPaid is written and delivered again (a replay under a new event id)
    await emit_events(app, ("OrderPaid", order))
    # then it is still one order of 900
    profile = await profile_of(app, brand, "rep@example.com")
    assert profile is not None and (profile.orders_count, profile.net_spend_minor) == (1, 900)


async def test_consent_comes_from_the_ticked_box_and_an_older_order_never_restores_a_withdrawal(app, client):
    # given a buyer who ticked the box on an order paid on day 1
    brand = await new_brand(app, client)
    await emit_events(app, ("OrderPaid", paid(brand, "c@example.com", consent=True, paid_at=DAY1)))
    profile = await profile_of(app, brand, "c@example.com")
    assert profile is not None and profile.marketing_consent and profile.consent_given_at == DAY1
    # when the buyer withdraws on day 2, and an order ticked on day 1 arrives late
    async with app.state.sessionmaker() as session:
        row = await session.get(BuyerProfile, profile.id)
        assert row is not None
        row.marketing_consent, row.consent_withdrawn_at = False, DAY1 + timedelta(days=1)
        session.add(row)
        await session.commit()
    await emit_events(app, ("OrderPaid", paid(brand, "c@example.com", consent=True, paid_at=DAY1 + timedelta(hours=1))))
    # then consent stays withdrawn; a box ticked on a later order gives it again
    assert (await profile_of(app, brand, "c@example.com")).marketing_consent is False  # type: ignore[union-attr]
    await emit_events(app, ("OrderPaid", paid(brand, "c@example.com", consent=True, paid_at=DAY1 + timedelta(days=2))))
    assert (await profile_of(app, brand, "c@example.com")).marketing_consent is True  # type: ignore[union-attr]


async def test_profiles_are_per_brand_and_an_order_without_a_buyer_key_makes_none(app, client):
    # given two brands and the same buyer paying each
    shop_a, shop_b = await new_brand(app, client), await new_brand(app, client)
    anonymous = {**paid(shop_a, "x@example.com"), "buyer_key": None}
    await emit_events(
        app, ("OrderPaid", paid(shop_a, "p@example.com", 100)), ("OrderPaid", paid(shop_b, "p@example.com", 700))
    )
    await emit_events(app, ("OrderPaid", anonymous))
    # then each brand has its own profile with its own spend, and the anonymous order made none
    a, b = await profile_of(app, shop_a, "p@example.com"), await profile_of(app, shop_b, "p@example.com")
    assert a is not None and b is not None and a.id != b.id
    assert (a.net_spend_minor, b.net_spend_minor) == (100, 700)
    async with app.state.sessionmaker() as session:
        count = len((await session.exec(select(BuyerProfile).where(BuyerProfile.brand_id == shop_a))).all())
        assert count == 1
        assert (await session.exec(select(OutboxEvent).where(OutboxEvent.topic == "OrderPaid"))).first() is not None
