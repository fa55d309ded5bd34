"""The partner's statement says how each accrual is released: on the order's completion (no date
until it completes, then the completion time) or on a date (the brand's hold days), in the paged
lines of the partner and the brand and in the statement's CSV."""

from __future__ import annotations

import csv
import io

from tests.factories import auth, make_token
from tests.factories_fulfilment import confirm, days_pass, partner_bought, ship
from tests.factories_orders import pay, place


async def _accruals(client, token: str, base: str) -> dict[str, dict]:
    lines = (await client.get(f"{base}/statement/lines", headers=auth(token))).json()["items"]
    return {line["external_ref"]: line for line in lines if line["reason"] == "commission_accrued"}


async def _csv_accruals(client, token: str, base: str) -> dict[str, dict]:
    text = (await client.get(f"{base}/statement.csv", headers=auth(token))).text
    return {
        row["external_ref"]: row for row in csv.DictReader(io.StringIO(text)) if row["reason"] == "commission_accrued"
    }


async def test_each_accrual_line_says_how_and_when_it_is_released(app, client, localstripe):
    # given an order paid under `release_on: completion`, then the brand switches to 3 hold days
    # and the same buyer orders again (each order keeps the rule it was paid under)
    first, partner_id = await partner_bought(app, client, localstripe, release_on="completion", hold_period_days=3)
    switched = await client.patch(
        f"/api/v1/brands/{first.shop.brand_id}",
        json={"settings": {"release_on": "days", "hold_period_days": 3}},
        headers=auth(await make_token(app, "admin")),
    )
    assert switched.status_code == 200, switched.text
    second = await place(client, first.shop, first.buyer, 1)
    await pay(app, client, localstripe, second, first.buyer)
    token = await make_token(app, "partner", partner_id=partner_id)
    partner_base = f"/api/v1/partners/{partner_id}"
    done, by_days = first.order["id"], second["id"]
    # then the completion order's line has no date yet; the days order's releases at its hold
    lines = await _accruals(client, token, partner_base)
    assert (lines[done]["release_on"], lines[done]["releases_at"], lines[done]["completed_at"]) == (
        "completion",
        None,
        None,
    )
    assert lines[by_days]["release_on"] == "days" and lines[by_days]["completed_at"] is None
    split = (await client.get(f"/api/v1/orders/{by_days}/commission", headers=auth(first.shop.token))).json()
    assert lines[by_days]["releases_at"] == split["hold_until"].replace("Z", "+00:00")
    # when the completion order ships, is delivered and its return window passes
    await ship(client, first)
    await confirm(client, first)
    await days_pass(app, 7.1)
    # then its line says when it completed, and that it releases then
    lines = await _accruals(client, token, partner_base)
    assert lines[done]["release_on"] == "completion" and lines[done]["completed_at"] is not None
    assert lines[done]["releases_at"] == lines[done]["completed_at"]
    # and the CSV carries the same columns, for the partner and (on its side of the sale) the brand
    rows = await _csv_accruals(client, token, partner_base)
    assert [rows[o][k] or None for o in (done, by_days) for k in ("release_on", "releases_at", "completed_at")] == [
        lines[o][k] for o in (done, by_days) for k in ("release_on", "releases_at", "completed_at")
    ]
    brand_lines = await _accruals(client, first.shop.token, f"/api/v1/brands/{first.shop.brand_id}")
    assert brand_lines[done]["completed_at"] == lines[done]["completed_at"]
    assert brand_lines[by_days]["release_on"] == "days"
