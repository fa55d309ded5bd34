"""Migration 0930_attrib_binding_keys on SQLite and PostgreSQL: bindings keyed by a bare SHA-256
before it are re-keyed under SECRET_KEY when they came from the paying browser (the order still
holds its visitor id), and ended when they came from a typed contact or cannot be re-derived."""

from __future__ import annotations

import hashlib
import importlib
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlmodel import select

from broadcast.checkout.models import Order
from distribution.attribution import attribute_order
from distribution.attribution.contacts import contact_key
from distribution.models import CustomerBinding
from server.kernel.db import make_engine, make_sessionmaker, sync_url
from tests.app_settings import TEST_SECRET
from tests.factories_distribution import DAY, PAID_AT, cookie_for, facts, row_world

MIGRATION = importlib.import_module("server.migrations.versions.20261128_0930_attrib_hmac_binding_keys")
MIGRATED_AT = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


def old_key(kind: str, value: str) -> str:
    return f"{kind}:{hashlib.sha256(f'{kind}:{value}'.encode()).hexdigest()}"


@pytest.fixture
async def db(db_url):
    engine = make_engine(db_url, pool_size=0)
    async with make_sessionmaker(engine)() as session:
        yield session
    await engine.dispose()


def binding(world, n: int, key: str, order_id: str) -> CustomerBinding:
    return CustomerBinding(
        id=f"bnd_old_{n}",
        brand_id=world.brand_id,
        buyer_key=key,
        partner_id=world.partners[0].id,
        order_id=order_id,
        bound_since=PAID_AT,
        expires_at=PAID_AT + 30 * DAY,
    )


def migrate(db_url: str) -> None:
    engine = sa.create_engine(sync_url(db_url))
    with engine.begin() as connection:
        MIGRATION.rekey(connection, lambda: TEST_SECRET, MIGRATED_AT)
    engine.dispose()


async def test_browser_bindings_are_rekeyed_and_typed_contact_bindings_end(db, db_url):
    # given, from before the migration, an order and its bindings under bare SHA-256 keys
    world = await row_world(db)
    db.add(
        Order(
            id="ord_before",
            brand_id=world.brand_id,
            session_id=world.session_id,
            visitor_id="browser-before",
            idempotency_key="k",
            currency="CNY",
            amount_minor=100,
            reserved_until=PAID_AT,
        )
    )
    await db.flush()
    olds = [
        old_key("visitor", "browser-before"),
        old_key("email", "victim@example.com"),
        old_key("phone", "13800138000"),
        old_key("visitor", "order-gone"),
    ]
    db.add_all([binding(world, n, key, "ord_before" if n < 3 else "ord_gone") for n, key in enumerate(olds)])
    later, first_partner = PAID_AT + DAY, world.partners[0].id
    order_facts = facts(world, paid_at=later, token=cookie_for(world.links[1], later), visitor_id="browser-before")
    await db.commit()
    # when the migration runs with the deployment's SECRET_KEY
    migrate(db_url)
    # then the browser's binding is re-keyed and still in force; the others ended at the migration
    db.expire_all()
    rows = {row.id: row for row in (await db.exec(select(CustomerBinding))).all()}
    assert rows["bnd_old_0"].buyer_key == contact_key(TEST_SECRET, "visitor", "browser-before")
    assert rows["bnd_old_0"].expires_at == PAID_AT + 30 * DAY
    for n in (1, 2, 3):
        assert rows[f"bnd_old_{n}"].buyer_key == olds[n] and rows[f"bnd_old_{n}"].expires_at == MIGRATED_AT
    # and the same browser, paying later through another partner's link, stays with the first partner
    result = await attribute_order(db, order_facts, secret_key=TEST_SECRET)
    assert result["rule"] == "binding" and result["partner_id"] == first_partner


async def test_without_a_secret_key_every_old_binding_ends(db, db_url):
    world = await row_world(db)
    db.add(binding(world, 0, old_key("visitor", "v"), "ord_x"))
    await db.commit()
    engine = sa.create_engine(sync_url(db_url))
    with engine.begin() as connection:
        MIGRATION.rekey(connection, lambda: "", MIGRATED_AT)
    engine.dispose()
    db.expire_all()
    assert (await db.exec(select(CustomerBinding))).one().expires_at == MIGRATED_AT
