"""The app as two worker processes sharing PostgreSQL and Redis: viewers on one worker see likes,
comments and pins sent through the other, in order, with no gaps in seq."""

from __future__ import annotations

import contextlib

import httpx

from server.app import create_app
from tests.app_settings import make_settings
from tests.factories import auth
from tests.factories_liveroom import live_session, seqs, two_workers, viewers_on
from tests.waiting import eventually


async def same_latest_seq(viewers, within_s=5.0):
    """Poll until every socket has seen the same latest seq (bounded: the assertions say what differs)."""
    with contextlib.suppress(AssertionError):
        await eventually(lambda: len({max(seqs(v.events), default=0) for v in viewers}) == 1, within_s)


def assert_gap_free(v):
    snapshot_seq = v.of_type("snapshot")[0]["seq"]
    got = seqs(v.events)
    assert got == list(range(snapshot_seq + 1, snapshot_seq + 1 + len(got))), got


async def test_two_workers_share_one_ordered_gap_free_stream(postgres_db_url, redis_url, redis_namespace, tmp_path):
    env = {
        "DATABASE_URL": postgres_db_url,
        "REDIS_URL": redis_url,
        "REDIS_NAMESPACE": redis_namespace,
        "OUTBOX_POLL_INTERVAL_MS": "100",
    }
    local = create_app(make_settings(postgres_db_url))  # only to issue tokens straight into the database
    with two_workers(env, tmp_path) as (server, other):
        live = await live_session(local, server.base_url)
        async with contextlib.AsyncExitStack() as stack:
            on_a, on_b = await viewers_on(live, server, 3, stack), await viewers_on(live, other, 3, stack)
            # when viewers on worker A like and comment, and viewers on B like too
            for n in range(10):
                await on_a[n % len(on_a)].send({"type": "like", "count": 3})
                await on_b[n % len(on_b)].send({"type": "like", "count": 2})
            for text in ("first", "second", "third"):
                await on_a[0].send({"type": "comment", "text": text})
            # and the brand pins through the HTTP API (served by either worker)
            async with httpx.AsyncClient(base_url=server.base_url) as client:
                response = await client.put(
                    f"/api/v1/sessions/{live.session_id}/pin",
                    json={"sku_id": live.sku_ids[0]},
                    headers=auth(live.brand_token),
                )
                assert response.status_code == 200, response.text
            # then every viewer on both workers sees all of it
            for v in on_a + on_b:
                await v.wait_for(lambda e: e["type"] == "likes" and e["total"] == 50, within_s=8)
                await v.wait_for(lambda e: e["type"] == "pin" and e["sku_id"] == live.sku_ids[0], within_s=8)
                await v.wait_for(lambda e: e["type"] == "comment" and e["text"] == "third", within_s=8)
            await same_latest_seq(on_a + on_b)  # trailing viewer-count events have landed everywhere
            # in the order sent, with seq gap-free on every socket, and the same events under the same seq
            for v in on_b + on_a:
                assert [c["text"] for c in v.of_type("comment")] == ["first", "second", "third"]
                assert_gap_free(v)
            by_seq: dict[int, dict] = {}
            for v in on_a + on_b:
                for event in v.events:
                    if "seq" in event and event["type"] != "snapshot":
                        assert by_seq.setdefault(event["seq"], event) == event
            totals = [e["total"] for e in on_b[0].of_type("likes")]
            assert totals == sorted(totals)
    for worker in (server, other):
        assert "Traceback" not in worker.log(), worker.log()[-3000:]
