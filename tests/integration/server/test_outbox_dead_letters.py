"""Operating the outbox: dead letters listed and replayed from the CLI and the admin API, and
the backlog in /metrics."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from server.events.dispatcher import handler_name
from server.kernel import clock
from server.kernel.outbox import OutboxFailure
from server.settings import Settings
from tests.app_settings import make_settings
from tests.factories import auth, make_token
from tests.factories_outbox import Consumers, emit_one, event_row, fail_until_dead
from tests.integration.server.test_cli import zhixiang

METRICS = {"Authorization": "Bearer metrics-scraper-token"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    return make_settings(db_url, metrics_token="metrics-scraper-token")


async def dead_letter(app) -> tuple[Consumers, object, str]:
    """A `Thing` event whose failing consumer gave up after two attempts."""
    maker = app.state.sessionmaker
    consumers = Consumers()
    dispatcher = consumers.dispatcher(maker, max_attempts=2)
    event_id = await emit_one(maker)
    await fail_until_dead(maker, consumers, dispatcher, event_id)
    return consumers, dispatcher, event_id


async def test_the_cli_lists_and_replays_a_dead_letter(app, db_url):
    consumers, dispatcher, event_id = await dead_letter(app)
    name = handler_name(consumers.failing)
    env = {"DATABASE_URL": db_url}

    listed = zhixiang("outbox", "dead", "--json", env=env)
    assert listed.returncode == 0, listed.stderr
    [item] = json.loads(listed.stdout)["items"]
    assert (item["event_id"], item["topic"], item["handler"], item["attempts"]) == (event_id, "Thing", name, 2)
    assert "try 2" in item["last_error"] and item["dead_at"]
    table = zhixiang("outbox", "dead", env=env).stdout
    assert event_id in table and "dead_since" in table

    usage = zhixiang("outbox", "replay", env=env)
    assert usage.returncode == 2 and "EVENT_ID or --all" in usage.stderr
    unknown = zhixiang("outbox", "replay", event_id, "--handler", "no.such.handler", env=env)
    assert unknown.returncode == 1 and "no failure recorded" in unknown.stderr

    # when the cause is fixed and the operator replays it
    consumers.fixed = True
    replayed = zhixiang("outbox", "replay", event_id, "--handler", name, env=env)
    assert replayed.returncode == 0 and "replayed 1" in replayed.stdout, replayed.stderr
    # then the dispatcher runs it once more, it succeeds, and the healthy consumer is not re-run
    assert await dispatcher.drain() == 1 and await dispatcher.drain() == 0
    assert consumers.runs == {"healthy": 1, "failing": 3, "other": 0}
    assert zhixiang("outbox", "dead", env=env).stdout.strip() == "(none)"
    assert "nothing to replay" in zhixiang("outbox", "replay", "--all", env=env).stdout


async def test_the_admin_api_lists_and_replays_dead_letters(app, client):
    consumers, dispatcher, event_id = await dead_letter(app)
    admin, finance = await make_token(app, "admin"), await make_token(app, "finance")

    listed = await client.get("/api/v1/admin/outbox/dead-letters", headers=auth(admin))
    assert listed.status_code == 200 and listed.json()["total"] == 1
    assert listed.json()["items"][0]["handler"] == handler_name(consumers.failing)
    forbidden = await client.get("/api/v1/admin/outbox/dead-letters", headers=auth(finance))
    assert forbidden.status_code == 403
    missing = await client.post("/api/v1/admin/outbox/events/evt_nope/replay", json={}, headers=auth(admin))
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")

    consumers.fixed = True
    replay = await client.post(f"/api/v1/admin/outbox/events/{event_id}/replay", json={}, headers=auth(admin))
    assert replay.status_code == 200 and replay.json() == {"replayed": 1}
    assert await dispatcher.drain() == 1
    again = await client.post(f"/api/v1/admin/outbox/events/{event_id}/replay", json={}, headers=auth(admin))
    assert again.json() == {"replayed": 0}
    assert await dispatcher.drain() == 0
    assert consumers.runs == {"healthy": 1, "failing": 3, "other": 0}
    empty = (await client.get("/api/v1/admin/outbox/dead-letters", headers=auth(admin))).json()
    assert empty == {"items": [], "next_cursor": None, "total": 0}


async def test_replay_all_from_the_api(app, client):
    consumers, dispatcher, event_id = await dead_letter(app)
    admin = await make_token(app, "admin")
    consumers.fixed = True
    replay = await client.post("/api/v1/admin/outbox/dead-letters/replay", headers=auth(admin))
    assert replay.status_code == 200 and replay.json() == {"replayed": 1}
    assert await dispatcher.drain() == 1
    assert consumers.runs["failing"] == 3 and (await event_row(app.state.sessionmaker, event_id)).delivered_at
    async with app.state.sessionmaker() as session:  # the failure row went with the success
        assert (await session.exec(select(OutboxFailure))).all() == []


def gauge(text: str, name: str) -> float:
    [line] = [ln for ln in text.splitlines() if ln.startswith(name + " ")]
    return float(line.split()[1])


async def test_metrics_show_the_backlog(app, client):
    maker = app.state.sessionmaker
    empty = (await client.get("/metrics", headers=METRICS)).text
    assert gauge(empty, "zhixiang_outbox_undelivered_events") == 0
    assert gauge(empty, "zhixiang_outbox_oldest_undelivered_age_seconds") == 0
    # given one dead letter and one event whose consumer is backing off, both emitted 2 h ago
    await dead_letter(app)
    consumers = Consumers()
    backing_off = await emit_one(maker)
    await consumers.dispatcher(maker).drain()
    clock.advance(7200)
    text = (await client.get("/metrics", headers=METRICS)).text
    assert gauge(text, "zhixiang_outbox_undelivered_events") == 1
    assert gauge(text, "zhixiang_outbox_dead_letters") == 1
    assert 7200 <= gauge(text, "zhixiang_outbox_oldest_undelivered_age_seconds") < 7200 + 120
    assert (await event_row(maker, backing_off)).delivered_at is None
    await client.get("/healthz")
    assert "zhixiang_requests_total" in (await client.get("/metrics", headers=METRICS)).text  # the request metrics stay
