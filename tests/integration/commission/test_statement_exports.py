"""Statement exports in the background: a range too large for `statement.csv` is refused with
where to export it; the export job (202) is followed until finished and its file is the same CSV
the direct export streams, written and read back in parts; a brand's or partner's exports are
theirs alone; a file not finished yet is 409, a job whose worker stopped is reported interrupted."""

from __future__ import annotations

from datetime import timedelta

import pytest

import commission.services.statement_exports as exports
from commission.models import StatementExport
from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_token
from tests.factories_commission import make_partner
from tests.integration.commission.test_paged_reports import app, sale_world  # noqa: F401 (the fixture)
from tests.waiting import eventually


def owner_of(w, owner):
    if owner == "brand":
        return f"/api/v1/brands/{w['brand']['id']}", w["brand_token"]
    return f"/api/v1/partners/{w['partner']}", w["partner_token"]


def period():
    return {
        "since": (utcnow() - timedelta(days=30)).isoformat(),
        "until": (utcnow() + timedelta(minutes=1)).isoformat(),
    }


async def followed(client, base, token, export_id):
    async def finished():
        body = (await client.get(f"{base}/statement-exports/{export_id}", headers=auth(token))).json()
        return body if body["state"] != "running" else None

    return await eventually(finished, 30, "the export to finish")


@pytest.mark.parametrize("owner", ["brand", "partner"])
async def test_an_export_job_makes_the_same_csv_as_the_direct_download(client, app, connect_server, owner, monkeypatch):  # noqa: F811
    # given a settled sale, and pages of 3 lines filling parts of a few hundred bytes (many parts)
    monkeypatch.setattr(exports, "PART_BYTES", 300)
    monkeypatch.setattr(exports, "PAGE_LINES", 3)
    w = await sale_world(client, app, connect_server)
    base, token = owner_of(w, owner)
    params = period()
    direct = await client.get(f"{base}/statement.csv", params=params, headers=auth(token))
    assert direct.status_code == 200
    # when the same period is exported in the background
    started = await client.post(f"{base}/statement-exports", json=params, headers=auth(token))
    assert started.status_code == 202, started.text
    assert started.json()["state"] == "running" and started.json()["file_url"] is None
    done = await followed(client, base, token, started.json()["id"])
    # then it finished in several parts, and its file is the direct CSV, byte for byte
    assert done["state"] == "finished" and done["error"] is None
    assert done["lines_done"] == direct.text.count("\n") and done["size_bytes"] == len(direct.content)
    assert done["lines_expected"] >= done["lines_done"] - (3 if owner == "partner" else 1)
    async with app.state.sessionmaker() as session:
        assert (await session.get(StatementExport, done["id"])).parts > 2
    file = await client.get(done["file_url"], headers=auth(token))
    assert file.status_code == 200 and file.headers["content-type"].startswith("text/csv")
    assert "attachment" in file.headers["content-disposition"]
    assert file.text == direct.text


async def test_a_range_too_large_to_download_at_once_says_where_to_export_it(client, app, connect_server, monkeypatch):  # noqa: F811
    # given a sale, and a direct download capped below its lines
    w = await sale_world(client, app, connect_server, orders=3)
    monkeypatch.setattr(exports, "DIRECT_MAX_LINES", 2)
    for owner in ("brand", "partner"):
        base, token = owner_of(w, owner)
        # when its CSV is asked for directly
        answer = await client.get(f"{base}/statement.csv", params=period(), headers=auth(token))
        # then it is a 422 with the reason and the export to POST instead (no half-written CSV)
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert problem["type"].endswith("export-too-large") and problem["export_url"] == f"{base}/statement-exports"
        assert problem["lines_expected"] > 2


async def test_exports_are_their_owners_only(client, app, connect_server):  # noqa: F811
    # given a brand's and a partner's finished exports
    w = await sale_world(client, app, connect_server, orders=2)
    admin = await make_token(app, "admin")
    stranger = await make_token(app, "brand", brand_id=(await make_brand(client, admin))["id"])
    other_partner = await make_token(app, "partner", partner_id=await make_partner(app))
    for owner, intruder in (("brand", stranger), ("partner", other_partner)):
        base, token = owner_of(w, owner)
        export_id = (await client.post(f"{base}/statement-exports", json={}, headers=auth(token))).json()["id"]
        await followed(client, base, token, export_id)
        # when another brand or partner asks for it, or starts one on the owner's behalf
        for answer in (
            await client.get(f"{base}/statement-exports/{export_id}", headers=auth(intruder)),
            await client.get(f"{base}/statement-exports/{export_id}/file", headers=auth(intruder)),
            await client.post(f"{base}/statement-exports", json={}, headers=auth(intruder)),
        ):
            # then it is refused, and nothing of the file is shown
            assert answer.status_code in (403, 404), answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
    # and an export asked for under another owner's path is not found, even by its own owner's token
    base, token = owner_of(w, "brand")
    other = f"/api/v1/partners/{w['partner']}/statement-exports/{export_id}"
    assert (await client.get(other, headers=auth(w["finance"]))).status_code == 200
    assert (await client.get(f"{base}/statement-exports/{export_id}", headers=auth(token))).status_code == 404


async def test_unfinished_stopped_and_malformed_exports_are_4xx(client, app, connect_server):  # noqa: F811
    # given a running export whose worker stopped beating long ago
    w = await sale_world(client, app, connect_server, orders=1)
    base, token = owner_of(w, "brand")
    async with app.state.sessionmaker() as session:
        stale = StatementExport(
            id="sxp_stale",
            owner_type="brand",
            owner_id=w["brand"]["id"],
            since=utcnow() - timedelta(days=30),
            until=utcnow(),
            heartbeat_at=utcnow() - timedelta(minutes=5),
        )
        session.add(stale)
        await session.commit()
    # when its file is asked for, then it is not ready (409, problem+json)
    early = await client.get(f"{base}/statement-exports/sxp_stale/file", headers=auth(token))
    assert early.status_code == 409 and early.json()["type"].endswith("export-not-ready")
    # and following it says it was interrupted, with what to do
    body = (await client.get(f"{base}/statement-exports/sxp_stale", headers=auth(token))).json()
    assert body["state"] == "interrupted" and "start the export again" in body["error"]
    # and a malformed or reversed period is a 422 with its field
    for params in ({"since": "yesterday"}, {"since": utcnow().isoformat(), "until": "2020-01-01T00:00:00Z"}):
        answer = await client.post(f"{base}/statement-exports", json=params, headers=auth(token))
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] in ("since", "until")
