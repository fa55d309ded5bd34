"""Races on PostgreSQL with real concurrency: entries arriving while the brand closes are either
in the frozen list or refused (never lost, never drawn after the fact); concurrent opens leave one
draw open; a double close draws once; one visitor entering many times at once gets one entry."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlmodel import col, func, select

from broadcast.lottery.draw import verify
from broadcast.lottery.models import LotteryEntry
from server.app import create_app
from server.kernel.outbox import OutboxEvent
from tests.app_settings import make_settings
from tests.factories_liveroom import live_session, serving
from tests.factories_lottery import Visitor, close, enter, open_lottery, paid_order


@pytest.fixture
async def pg_live(postgres_db_url, redis_url, redis_namespace):
    app = create_app(
        make_settings(postgres_db_url, redis_url=redis_url, redis_namespace=redis_namespace, db_pool_size=20)
    )
    async with serving(app) as host:
        yield app, await live_session(app, f"http://{host}", skus=1)


async def test_entries_racing_the_close_are_frozen_in_or_refused(pg_live):
    app, live = pg_live
    buyers = [Visitor() for _ in range(30)]
    async with httpx.AsyncClient(base_url=live.http, timeout=30) as client:
        lottery = await open_lottery(client, live.brand_token, live.session_id, rule={"kind": "purchase"}, winners=3)
        for buyer in buyers:
            await paid_order(app, live.brand_id, live.session_id, buyer)
        # when buyers keep entering, a few ms apart, while the brand closes (twice) in the middle of them
        entering = [asyncio.create_task(enter(client, live.session_id, lottery["id"], buyers[0]))]
        await entering[0]  # one surely before the close
        closing = [
            asyncio.create_task(close(client, live.brand_token, live.session_id, lottery["id"])) for _ in range(2)
        ]
        for buyer in buyers[1:-1]:
            entering.append(asyncio.create_task(enter(client, live.session_id, lottery["id"], buyer)))
            await asyncio.sleep(0.005)
        closes = await asyncio.gather(*closing)
        entering.append(asyncio.create_task(enter(client, live.session_id, lottery["id"], buyers[-1])))
        entries = await asyncio.gather(*entering)  # and one surely after it
        # then every entry is either in (200) or refused as closed (409), and both closes agree
        assert [r.status_code for r in (entries[0], entries[-1])] == [200, 409]
        assert {r.status_code for r in entries} <= {200, 409}
        assert closes[0].json() == closes[1].json()
        accepted = {r.json()["handle"] for r in entries if r.status_code == 200}
        proof = (await client.get(f"/api/v1/lotteries/{lottery['id']}/proof")).json()
    # and the frozen list is exactly the accepted entries, all stored, drawn once, and checkable
    assert set(proof["entrants"]) == accepted and len(proof["winners"]) == min(3, len(accepted))
    assert verify(proof)[0] is True
    async with app.state.sessionmaker() as db:
        stored = (await db.exec(select(func.count()).select_from(LotteryEntry))).one()
        drawn = (
            await db.exec(select(func.count()).select_from(OutboxEvent).where(col(OutboxEvent.topic) == "LotteryDrawn"))
        ).one()
    assert stored == len(accepted) and drawn == 1


async def test_concurrent_opens_leave_one_open_and_a_visitor_entering_at_once_gets_one_entry(pg_live):
    app, live = pg_live
    buyer = Visitor()
    body = {"prize": "cap", "winners": 1, "entry_rule": {"kind": "purchase"}}
    async with httpx.AsyncClient(base_url=live.http, timeout=30) as client:
        opens = await asyncio.gather(
            *[
                client.post(
                    f"/api/v1/sessions/{live.session_id}/lotteries",
                    json=body,
                    headers={"Authorization": f"Bearer {live.brand_token}"},
                )
                for _ in range(6)
            ]
        )
        assert sorted(r.status_code for r in opens) == [201] + [409] * 5
        lottery = next(r.json() for r in opens if r.status_code == 201)
        await paid_order(app, live.brand_id, live.session_id, buyer)
        responses = await asyncio.gather(*[enter(client, live.session_id, lottery["id"], buyer) for _ in range(8)])
    assert {r.status_code for r in responses} == {200} and len({r.json()["handle"] for r in responses}) == 1
    async with app.state.sessionmaker() as db:
        assert (await db.exec(select(func.count()).select_from(LotteryEntry))).one() == 1
