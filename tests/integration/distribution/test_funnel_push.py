"""The funnel's kept counts and its pushes: counted clicks per (session, link) kept by the click
flusher and order groups kept by the order handlers equal what the raw rows say (a replayed batch
counts nothing twice); the change version moves after orders and flushed clicks (one suite over
the memory and Redis adapters); and the funnel socket recomputes on those changes, not per tick."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis
from litestar import Litestar
from sqlalchemy import select

import distribution.funnel.socket as funnel_socket
from distribution.clicks.buffer import BOT, COUNTED, DUPLICATE, ClickRecord, MemoryClassifier, MemoryClickBuffer
from distribution.clicks.flusher import ClickFlusher, _row
from distribution.funnel.changes import MemoryFunnelChanges, RedisFunnelChanges, changes_of
from distribution.funnel.snapshot import FunnelService
from distribution.models import FunnelLinkClicks, FunnelOrder, FunnelOrderGroup
from server.app import create_app
from tests.app_settings import make_settings
from tests.event_contracts import emit_payload
from tests.factories_distribution import api_world
from tests.factories_liveroom import serving, viewer
from tests.integration.distribution.test_funnel import BROWSER, order_paid
from tests.waiting import eventually


@pytest.fixture(params=["memory", "redis"])
async def changes(request: pytest.FixtureRequest, redis_namespace: str) -> Any:
    if request.param == "memory":
        yield MemoryFunnelChanges()
        return
    client = aioredis.from_url(request.getfixturevalue("redis_url"))
    yield RedisFunnelChanges(client, redis_namespace)
    await client.aclose()


async def test_a_bump_moves_the_version_of_its_sessions_only(changes):
    # given two sessions nobody has changed
    assert (await changes.version("ses_a"), await changes.version("ses_b")) == (0, 0)
    # when one is bumped twice (once naming it twice: one change) and the other not at all
    await changes.bump(["ses_a", "ses_a"])
    await changes.bump(["ses_a"])
    # then only its version moved, once per bump
    assert (await changes.version("ses_a"), await changes.version("ses_b")) == (2, 0)


def click(n: int, session_id: str, link_id: str, partner_id: str) -> ClickRecord:
    return ClickRecord(
        id=f"clk_push_{n}",
        link_id=link_id,
        partner_id=partner_id,
        brand_id="brd_push",
        session_id=session_id,
        visitor_id=f"visitor-{n}",
        user_agent=BROWSER["User-Agent"],
        ip="1.1.1.1",
        clicked_at=1_800_000_000.0 + n,
    )


async def test_flushed_clicks_are_counted_once_per_session_and_link_and_announced(app, client):
    # given a flusher with a change port, and a batch: 3 counted clicks on link a, 1 on b, a bot, a duplicate
    port = MemoryFunnelChanges()
    flusher = ClickFlusher(MemoryClickBuffer(), MemoryClassifier(3600, 0), app.state.sessionmaker, 1.0, None, port)
    batch = [click(n, "ses_p", "lnk_a", "ptn_a") for n in range(3)] + [click(3, "ses_p", "lnk_b", "ptn_b")]
    codes = [COUNTED] * 4 + [BOT, DUPLICATE]
    batch += [click(4, "ses_p", "lnk_a", "ptn_a"), click(5, "ses_p", "lnk_a", "ptn_a")]
    rows = [_row(c, code) for c, code in zip(batch, codes, strict=True)]
    # when it is written, then written again (a batch replayed after a failure)
    await flusher._insert(rows)
    await flusher._insert(rows)
    # then the kept counts are the counted clicks, once, and the session was announced
    async with app.state.sessionmaker() as session:
        kept = (await session.execute(select(FunnelLinkClicks))).scalars().all()
    assert {(k.link_id, k.partner_id, k.clicks) for k in kept} == {("lnk_a", "ptn_a", 3), ("lnk_b", "ptn_b", 1)}
    assert await port.version("ses_p") == 1  # the replay inserted nothing: nothing to announce


async def refunded(app: Litestar, world: Any, order_id: str, total_minor: int, order_minor: int) -> None:
    payload = {
        "order_id": order_id,
        "refund_id": f"re_{order_id}_{total_minor}",
        "brand_id": world.brand["id"],
        "session_id": world.session["id"],
        "currency": "CNY",
        "amount_minor": total_minor,
        "refunded_total_minor": total_minor,
        "order_amount_minor": order_minor,
        "refunded_at": "2026-11-28T12:00:00+00:00",
    }
    async with app.state.sessionmaker() as session:
        emit_payload(session, "OrderRefunded", f"{order_id}-{total_minor}", payload)
        await session.commit()


async def test_kept_order_groups_equal_the_orders_after_payments_and_refunds(app, client):
    # given orders through the partner's link (two alike), one not earning, then refunds of two
    world = await api_world(app, client)
    partner, link = world.partner["id"], world.link["id"]
    for order_id, amount, earns in (("o1", 12345, True), ("o2", 12345, True), ("o3", 9000, False), ("o4", 700, True)):
        await order_paid(app, world, order_id, amount, partner, link, earns=earns)
    await app.state.dispatcher.drain()
    await refunded(app, world, "o1", 2345, 12345)
    await refunded(app, world, "o4", 700, 700)
    await app.state.dispatcher.drain()
    await app.state.dispatcher.drain()  # a replay moves nothing twice
    # then the kept groups are the orders grouped by partner, link, earning flag and net amount
    async with app.state.sessionmaker() as session:
        orders = (await session.execute(select(FunnelOrder))).scalars().all()
        groups = (await session.execute(select(FunnelOrderGroup))).scalars().all()
    expected = Counter((o.partner_id, o.link_id, o.earns, o.amount_minor - o.refunded_minor) for o in orders)
    kept = {(g.partner_id, g.link_id, g.earns, g.net_minor): g.orders for g in groups if g.orders}
    assert (
        kept
        == dict(expected)
        == {
            (partner, link, True, 10000): 1,
            (partner, link, True, 12345): 1,
            (partner, link, False, 9000): 1,
            (partner, link, True, 0): 1,
        }
    )
    # and the session was announced changed (after the commits)
    await eventually(lambda: changes_of(app.state).version(world.session["id"]), what="a version bump")


@pytest.fixture
def served_app(postgres_db_url: str, redis_url: str, redis_namespace: str) -> Litestar:
    return create_app(make_settings(postgres_db_url, redis_url=redis_url, redis_namespace=redis_namespace))


async def test_the_funnel_socket_recomputes_on_changes_not_on_ticks(served_app, monkeypatch):
    # given fast ticks, no periodic room refresh, and a count of computations and version reads
    monkeypatch.setattr(funnel_socket, "PUSH_INTERVAL_S", 0.02)
    monkeypatch.setattr(funnel_socket, "ROOM_REFRESH_S", 3600.0)
    computed: list[float] = []
    looked: list[float] = []
    real_snapshot, real_version = FunnelService.snapshot, funnel_socket.session_version

    async def counting_snapshot(self: Any, principal: Any, session_id: str) -> Any:
        computed.append(time.monotonic())
        return await real_snapshot(self, principal, session_id)

    async def counting_version(state: Any, session_id: str) -> int | None:
        looked.append(time.monotonic())
        return await real_version(state, session_id)

    monkeypatch.setattr(FunnelService, "snapshot", counting_snapshot)
    monkeypatch.setattr(funnel_socket, "session_version", counting_version)
    async with serving(served_app) as host, httpx.AsyncClient(base_url=f"http://{host}") as http:
        world = await api_world(served_app, http)
        sid = world.session["id"]
        async with viewer(f"ws://{host}/ws/funnel/{sid}?token={world.partner_token}") as watcher:
            await watcher.wait_for(lambda e: e.get("session_id") == sid, 15)
            # when the socket has ticked many times with nothing changed
            await eventually(lambda: len(looked) >= 25, what="25 ticks of the socket")
            # then it computed the funnel once
            assert len(computed) == 1
            # when an order is paid through the partner's link, it is pushed
            await order_paid(served_app, world, "ord_push", 5000, world.partner["id"], world.link["id"])
            await served_app.state.dispatcher.drain()
            pushed = await watcher.wait_for(lambda e: e.get("partners") and e["partners"][0]["orders"] == 1, 15)
            assert pushed["partners"][0]["gmv_minor"] == 5000
            # and when a counted click is flushed, it is pushed too
            answer = await http.get(f"/l/{world.link['code']}", headers=BROWSER, follow_redirects=False)
            assert answer.status_code == 302
            await served_app.state.click_flusher.drain()
            await watcher.wait_for(lambda e: e.get("partners") and e["partners"][0]["clicks"] == 1, 15)
            # and each change cost one computation, however many ticks passed
            assert len(computed) == 3
