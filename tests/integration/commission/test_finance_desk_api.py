"""The finance desk's API: the settlement preview is the plan the run executes (same function), a
settlement is a background job (202 → running → finished, a second start while one runs is 409, a
job whose worker died is interrupted), a plan changed since the preview is not paid, balances name
partners and explain a clawback, payouts carry their transfers, CSV for each table, and only
finance (and admin) may read or settle."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import func, select

from commission.connect import ConnectGateway
from commission.models import LedgerEntry, Payout, SettlementJob, SettlementRun
from server.app import create_app
from server.kernel.clock import utcnow
from tests.app_settings import make_settings
from tests.factories import auth, make_brand, make_token
from tests.factories_commission import emit_events, make_partner, order_refunded_payload
from tests.factories_finance import desk_world, settle_via_api, wait_for_job
from tests.waiting import eventually


@pytest.fixture
def app(db_url, connect_server):
    return create_app(
        make_settings(db_url, stripe_api_key="sk_test_desk", stripe_connect_api_base=connect_server.base_url)
    )


async def count(app, model) -> int:
    async with app.state.sessionmaker() as session:
        return (await session.exec(select(func.count()).select_from(model))).one()


def plan_of(payouts, skipped):
    return (
        sorted((p["partner_id"], p["currency"], p["amount_minor"]) for p in payouts),
        sorted((s["partner_id"], s["available_minor"], s["reason_code"]) for s in skipped),
    )


async def test_the_preview_is_the_plan_the_run_executes_and_writes_nothing(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])
    entries, runs, payouts = await count(app, LedgerEntry), await count(app, SettlementRun), await count(app, Payout)
    # when finance previews a settlement
    answer = await client.get("/api/v1/finance/settlement-preview", headers=h)
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    # then each partner is paid or skipped with its reason, named
    assert plan_of(preview["payouts"], preview["skipped"]) == (
        [(w["harbor"], "CNY", 3000)],
        sorted(
            [
                (w["campus"], -2000, "negative_balance"),
                (w["tea"], 1500, "no_payout_account"),
                (w["lin"], 2500, "below_minimum"),
            ]
        ),
    )
    assert preview["totals"] == [{"currency": "CNY", "amount_minor": 3000}]
    assert preview["partner_names"][w["harbor"]] == "Harbor Moms Circle"
    assert preview["releasing_orders"] == 3
    # and nothing was written: no entry, no run, no payout
    assert (await count(app, LedgerEntry), await count(app, SettlementRun), await count(app, Payout)) == (
        entries,
        runs,
        payouts,
    )
    # when finance confirms that plan, the run executes exactly it
    body = {"as_of": preview["as_of"], "expected_plan": preview["fingerprint"]}
    result = await settle_via_api(client, w["finance"], body)
    assert plan_of(result["planned"], result["skipped"]) == plan_of(preview["payouts"], preview["skipped"])
    assert result["plan_fingerprint"] == preview["fingerprint"]
    assert [p["transfer_id"][:3] for p in result["payouts"]] == ["tr_"]
    assert result["released_orders"] == 3


async def test_a_settlement_job_runs_in_the_background_and_one_at_a_time(client, app, connect_server, monkeypatch):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])
    gate = asyncio.Event()
    transfer = ConnectGateway.transfer

    async def held(self, *args, **kwargs):
        await gate.wait()
        return await transfer(self, *args, **kwargs)

    monkeypatch.setattr(ConnectGateway, "transfer", held)
    # when finance starts a settlement, the answer is the job (202), not the run
    started = await client.post("/api/v1/finance/settlements", json={"as_of": utcnow().isoformat()}, headers=h)
    assert started.status_code == 202, started.text
    job = started.json()
    assert job["state"] == "running" and job["result"] is None

    # then the job reports it is sending one transfer, while it waits on Stripe
    async def sending() -> dict | None:
        now = (await client.get(f"/api/v1/finance/settlement-jobs/{job['id']}", headers=h)).json()
        return now if now["phase"] == "sending" else None

    now = await eventually(sending, 10, "the job sending its transfer")
    assert (now["state"], now["progress_done"], now["progress_total"]) == ("running", 0, 1)
    # and a second start while it runs is refused with the running job's id, by either route
    for path in ("/api/v1/finance/settlement-jobs", "/api/v1/finance/settlements"):
        again = await client.post(path, json={"as_of": utcnow().isoformat()}, headers=h)
        assert again.status_code == 409, again.text
        assert again.json()["type"].endswith("/settlement-running") and again.json()["job_id"] == job["id"]
    # when Stripe answers, the job finishes with its result, and stays the latest job
    gate.set()
    done = await wait_for_job(client, w["finance"], job["id"])
    assert (done["state"], done["phase"], done["progress_done"]) == ("finished", "done", 1)
    assert done["result"]["payouts"][0]["partner_id"] == w["harbor"]
    assert done["partner_names"][w["harbor"]] == "Harbor Moms Circle"
    latest = (await client.get("/api/v1/finance/settlement-jobs?limit=1", headers=h)).json()
    assert [j["id"] for j in latest["items"]] == [job["id"]] and latest["items"][0]["run_id"] == done["run_id"]
    assert len(connect_server.state.transfers) == 3  # the desk world's first run (two), and this one
    # and a new settlement may start now
    assert (await settle_via_api(client, w["finance"]))["payouts"] == []


async def test_a_job_whose_worker_stopped_beating_is_interrupted_and_frees_the_slot(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    async with app.state.sessionmaker() as session:
        session.add(
            SettlementJob(
                id="stj_lost", request={"as_of": utcnow().isoformat()}, heartbeat_at=utcnow() - timedelta(minutes=2)
            )
        )
        await session.commit()
    result = await settle_via_api(client, w["finance"])
    assert result["payouts"][0]["partner_id"] == w["harbor"]
    lost = (await client.get("/api/v1/finance/settlement-jobs/stj_lost", headers=auth(w["finance"]))).json()
    assert lost["state"] == "interrupted" and "settle again" in lost["error"]


async def test_a_plan_changed_since_the_preview_is_not_paid(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])
    preview = (await client.get("/api/v1/finance/settlement-preview", headers=h)).json()
    # when a refund of a third of Harbor's unpaid order lands between the preview and the confirmation
    await emit_events(app, ("OrderRefunded", order_refunded_payload(w["harbor_order"], 10000, 10000)))
    payouts = await count(app, Payout)
    started = await client.post(
        "/api/v1/finance/settlement-jobs",
        json={"as_of": preview["as_of"], "expected_plan": preview["fingerprint"]},
        headers=h,
    )
    job = await wait_for_job(client, w["finance"], started.json()["id"])
    # then the job fails saying so, and nothing was paid
    assert job["state"] == "failed" and "changed since the preview" in job["error"], job
    assert await count(app, Payout) == payouts


async def test_balances_name_partners_and_explain_the_clawback(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])
    items = (await client.get("/api/v1/finance/balances", params={"brand_id": w["brand"]["id"]}, headers=h)).json()[
        "items"
    ]
    by = {b["partner_id"]: b for b in items}
    assert set(by) == {w["harbor"], w["campus"], w["tea"], w["lin"]}
    assert by[w["harbor"]]["partner_name"] == "Harbor Moms Circle" and by[w["harbor"]]["negative"] is None
    campus = by[w["campus"]]
    assert campus["available_minor"] == -2000 and campus["paid_minor"] == 2000
    first_payout = next(p for p in w["first_run"].payouts if p["partner_id"] == w["campus"])
    assert campus["negative"]["payout_id"] == first_payout["payout_id"]
    assert campus["negative"]["transfer_id"] == first_payout["transfer_id"]
    [cause] = campus["negative"]["causes"]
    assert (cause["reason"], cause["external_ref"], cause["order_id"], cause["amount_minor"]) == (
        "commission_reversed",
        w["refund"]["refund_id"],
        w["clawed_order"]["order_id"],
        -2000,
    )
    # another brand's filter shows none of them
    other = (await client.get("/api/v1/finance/balances", params={"brand_id": "brd_nobody"}, headers=h)).json()
    assert other["items"] == []


async def test_payouts_carry_their_transfer_and_destination(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])
    run_id = w["first_run"].run_id
    page = (await client.get("/api/v1/finance/payouts", params={"run_id": run_id}, headers=h)).json()
    assert {p["partner_name"] for p in page["items"]} == {"Harbor Moms Circle", "Campus Deals"}
    for payout in page["items"]:
        transfer = connect_server.state.transfers[payout["transfer_id"]]
        assert (transfer["destination"], transfer["amount"]) == (payout["destination"], payout["amount_minor"])
        assert payout["state"] == "paid" and payout["run_id"] == run_id


async def test_commission_per_day_counts_accrued_reversed_and_paid(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    since = (utcnow() - timedelta(days=30)).isoformat()
    until = (utcnow() + timedelta(minutes=1)).isoformat()
    body = (
        await client.get("/api/v1/finance/daily", params={"since": since, "until": until}, headers=auth(w["finance"]))
    ).json()
    totals = {k: sum(d[k] for d in body["days"]) for k in ("accrued_minor", "reversed_minor", "paid_minor")}
    assert totals == {"accrued_minor": 2000 + 2000 + 3000 + 1500 + 2500, "reversed_minor": 2000, "paid_minor": 4000}
    assert all(len(d["day"]) == 10 and d["currency"] == "CNY" for d in body["days"])


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_each_table_exports_csv(client, app, connect_server):
    w = await desk_world(app, client, connect_server)
    h = auth(w["finance"])

    async def get_csv(path: str, **params: str) -> list[dict[str, str]]:
        answer = await client.get(path, params=params, headers=h)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith("text/csv")
        return rows(answer.text)

    balances = {r["partner_name"]: r for r in await get_csv("/api/v1/finance/balances.csv")}
    assert balances["Campus Deals"]["available_minor"] == "-2000"
    assert w["refund"]["refund_id"] in balances["Campus Deals"]["negative_causes"]
    payouts = await get_csv("/api/v1/finance/payouts.csv")
    assert {r["partner_name"] for r in payouts} == {"Harbor Moms Circle", "Campus Deals"}
    assert all(r["transfer_id"].startswith("tr_") and r["destination"].startswith("acct_") for r in payouts)
    plan = {r["partner_name"]: r for r in await get_csv("/api/v1/finance/settlement-preview.csv")}
    assert (plan["Harbor Moms Circle"]["outcome"], plan["Harbor Moms Circle"]["amount_minor"]) == ("pay", "3000")
    assert plan["Guide Lin"]["reason_code"] == "below_minimum"
    [run] = await get_csv("/api/v1/finance/settlements.csv")
    assert (run["id"], run["payouts"]) == (w["first_run"].run_id, "2")
    daily = await get_csv("/api/v1/finance/daily.csv")
    assert sum(int(r["paid_minor"]) for r in daily) == 4000


DESK = [
    ("GET", "/api/v1/finance/settlement-preview"),
    ("GET", "/api/v1/finance/settlement-preview.csv"),
    ("POST", "/api/v1/finance/settlement-jobs"),
    ("POST", "/api/v1/finance/settlements"),
    ("GET", "/api/v1/finance/settlement-jobs"),
    ("GET", "/api/v1/finance/settlement-jobs/stj_any"),
    ("GET", "/api/v1/finance/balances"),
    ("GET", "/api/v1/finance/balances.csv"),
    ("GET", "/api/v1/finance/payouts"),
    ("GET", "/api/v1/finance/payouts.csv"),
    ("GET", "/api/v1/finance/daily"),
    ("GET", "/api/v1/finance/daily.csv"),
    ("GET", "/api/v1/finance/settlements.csv"),
    ("GET", "/finance"),
]


async def test_only_finance_and_admin_reach_the_desk(client, app):
    partner_id = await make_partner(app, name="Harbor Moms Circle")
    partner = await make_token(app, "partner", partner_id=partner_id)
    shop = await make_brand(client, await make_token(app, "admin"))
    brand = await make_token(app, "brand", brand_id=shop["id"])
    finance = await make_token(app, "finance")
    for method, path in DESK:
        body = {"as_of": utcnow().isoformat()} if method == "POST" else None
        for token in (partner, brand):
            answer = await client.request(method, path, json=body, headers=auth(token))
            assert answer.status_code == 403, (path, answer.text)
        assert (await client.request(method, path, json=body)).status_code == 401, path
        assert await count(app, SettlementJob) == 0
        if method == "GET":
            allowed = await client.request(method, path, headers=auth(finance))
            assert allowed.status_code in (200, 404), (path, allowed.text)  # 404: the made-up job id
