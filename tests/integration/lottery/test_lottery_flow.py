"""A keyword draw end to end over the real server and websockets: eligibility, idempotent entry,
close and draw, the room announcement, the viewer's own result, and the public proof checked by
the CLI (which must FAIL once the stored seed or entrant list is tampered with)."""

from __future__ import annotations

import asyncio
import hashlib

import httpx
from click.testing import CliRunner
from sqlmodel import col, delete, update

from broadcast.lottery.models import Lottery, LotteryEntry
from server.cli.main import cli
from tests.factories_liveroom import viewer
from tests.factories_lottery import Visitor, close, enter, mine, open_lottery


async def _verify(base_url: str, lottery_id: str) -> tuple[int, str]:
    runner = CliRunner()
    # in a thread: the CLI's blocking HTTP call must not block the server serving it in this loop
    result = await asyncio.to_thread(runner.invoke, cli, ["lottery", "verify", lottery_id, "--base-url", base_url])
    # the server logs to the same (captured) stdout: keep the CLI's own verdict line
    verdict = [line for line in result.output.splitlines() if line.startswith(("PASS", "FAIL", "Error"))]
    return result.exit_code, "\n".join(verdict)


async def test_keyword_draw_end_to_end(live, lottery_app):
    fan, lurker = Visitor(), Visitor()
    async with (
        httpx.AsyncClient(base_url=live.http) as client,
        viewer(live.ws(), additional_headers=fan.headers) as fan_ws,
        viewer(live.ws(), additional_headers=lurker.headers) as lurker_ws,
        viewer(live.ws()) as watcher,
    ):
        # given an open keyword draw, announced in the room with its seed hash only
        lottery = await open_lottery(client, live.brand_token, live.session_id, winners=2)
        announced = await watcher.wait_for(lambda e: e["type"] == "lottery" and e["state"] == "open")
        assert announced["seed_sha256"] == lottery["seed_sha256"] and "seed" not in announced
        assert lottery["seed"] is None and announced["entry_rule"] == {"kind": "comment_keyword", "keyword": "GO"}
        # when the fan has not commented yet, entering is refused with the reason
        refused = await enter(client, live.session_id, lottery["id"], fan)
        assert refused.status_code == 422 and "comment 'GO'" in refused.json()["detail"]
        # then the fan comments the keyword (any case), the lurker says something else
        await fan_ws.send({"type": "comment", "text": "let's go!!"})
        await lurker_ws.send({"type": "comment", "text": "hello"})
        await watcher.wait_for(lambda e: e["type"] == "comment" and e["text"] == "hello")
        await watcher.wait_for(lambda e: e["type"] == "comment" and e["text"] == "let's go!!")
        first = await enter(client, live.session_id, lottery["id"], fan)
        again = await enter(client, live.session_id, lottery["id"], fan)
        assert first.status_code == again.status_code == 200 and first.json() == again.json()
        assert first.json()["handle"] == hashlib.sha256(f"{lottery['id']}:{fan.vid}".encode()).hexdigest()[:16]
        assert (await enter(client, live.session_id, lottery["id"], lurker)).status_code == 422
        current = (await client.get(f"/api/v1/sessions/{live.session_id}/lotteries")).json()["lottery"]
        assert current["entrant_count"] == 1 and current["seed"] is None
        # when the brand closes (twice: the second returns the same result)
        closed = (await close(client, live.brand_token, live.session_id, lottery["id"])).json()
        assert (await close(client, live.brand_token, live.session_id, lottery["id"])).json() == closed
        # then the fan (the only entrant, of 2 places) wins, named by their comment author
        assert hashlib.sha256(bytes.fromhex(closed["seed"])).hexdigest() == lottery["seed_sha256"]
        assert [w["handle"] for w in closed["winners"]] == [first.json()["handle"]]
        drawn = await fan_ws.wait_for(lambda e: e["type"] == "lottery" and e["state"] == "closed")
        assert drawn["winners"][0]["name"].startswith("Viewer ") and drawn["seed"] == closed["seed"]
        assert len(watcher.of_type("lottery")) == 2  # closing twice announced once
        assert (await mine(client, live.session_id, lottery["id"], fan))["won"] is True
        assert (await mine(client, live.session_id, lottery["id"], lurker))["entered"] is False
        assert fan.vid not in (await client.get(f"/api/v1/lotteries/{lottery['id']}/proof")).text
    # and the CLI re-checks the published proof
    code, output = await _verify(live.http, lottery["id"])
    assert code == 0 and output.startswith("PASS"), output
    # but FAILS once the stored seed is swapped (its hash no longer matches the one published)
    async with lottery_app.state.sessionmaker() as db:
        await db.exec(update(Lottery).where(col(Lottery.id) == lottery["id"]).values(seed_hex="00" * 32))
        await db.commit()
    code, output = await _verify(live.http, lottery["id"])
    assert code == 1 and "SHA-256(seed) does not match" in output, output
    async with lottery_app.state.sessionmaker() as db:
        await db.exec(update(Lottery).where(col(Lottery.id) == lottery["id"]).values(seed_hex=closed["seed"]))
        await db.exec(delete(LotteryEntry).where(col(LotteryEntry.lottery_id) == lottery["id"]))
        await db.commit()
    code, output = await _verify(live.http, lottery["id"])
    assert code == 1 and "entrant list does not match" in output, output
