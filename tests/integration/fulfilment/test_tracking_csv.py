"""The brand's bulk shipping: the CSV of lines left to ship (personal data to the brand only) and
a CSV of tracking numbers applied row by row, each row's result exact, a refused row leaving nothing."""

from __future__ import annotations

import csv
import io

from tests.database import outbox
from tests.factories import auth, make_token
from tests.factories_fulfilment import bought, buyer_view, ship


async def import_csv(client, b, text):
    return await client.post(
        f"/api/v1/brands/{b.shop.brand_id}/tracking-import",
        content=text.encode(),
        headers={**auth(b.shop.token), "Content-Type": "text/csv"},
    )


async def test_each_row_gets_its_exact_result_and_refused_rows_change_nothing(app, client, localstripe):
    # given two paid orders of the brand (one of two units), and another brand's order
    one = await bought(app, client, localstripe, quantity=1)
    two = await bought(app, client, localstripe, quantity=2, shop=one.shop)
    theirs = await bought(app, client, localstripe, quantity=1)
    text = "\n".join(
        [
            "order_id,carrier,tracking_number,line_id,quantity",
            f"{one.order['id']},SF Express,SF2000001",  # good: every unit
            f"{two.order['id']},YTO,YT2000002,{two.line_id},1",  # good: one of two units
            "ord_nosuchorder,SF Express,SF2000003",  # unknown order
            f"{theirs.order['id']},SF Express,SF2000004",  # another brand's order: the same answer
            f"{two.order['id']},YTO,SF2000001,{two.line_id},1",  # the tracking number of row 1
            f"{two.order['id']},YTO",  # malformed
            f"{two.order['id']},YTO,YT2000007,{two.line_id},5",  # more units than are left
        ]
    )
    # when the brand imports it
    response = await import_csv(client, one, text)
    # then each row says what happened to it
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["shipped"], body["refused"]) == (2, 5)
    got = [(r["row"], r["result"], r["reason"]) for r in body["rows"]]
    assert got[:2] == [(1, "shipped", None), (2, "shipped", None)]
    assert got[2] == (3, "refused", "unknown order")
    assert got[3] == (4, "refused", "unknown order")
    assert got[4][:2] == (5, "refused") and "SF2000001 is already used" in got[4][2]
    assert got[5][:2] == (6, "refused") and got[5][2].startswith("malformed")
    assert got[6] == (7, "refused", f"line {two.line_id} has 1 unit(s) left")
    assert [r["fulfilment"] for r in body["rows"][:2]] == ["shipped", "partially_shipped"]
    # and only the good rows left parcels behind
    assert [p["tracking_number"] for p in (await buyer_view(client, one)).json()["parcels"]] == ["SF2000001"]
    assert [p["tracking_number"] for p in (await buyer_view(client, two)).json()["parcels"]] == ["YT2000002"]
    assert (await buyer_view(client, theirs)).json()["parcels"] == []
    assert len(await outbox(app, "OrderShipped")) == 2


async def test_the_unshipped_export_lists_lines_left_with_contact_for_the_brand_only(app, client, localstripe):
    b = await bought(app, client, localstripe, quantity=3)
    done = await bought(app, client, localstripe, quantity=1, shop=b.shop)
    other = await bought(app, client, localstripe, quantity=1)
    await ship(client, b, quantity=1)
    await ship(client, done)
    url = f"/api/v1/brands/{b.shop.brand_id}/orders/unshipped.csv"
    response = await client.get(url, headers=auth(b.shop.token))
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["order_id"], r["quantity_to_ship"]) for r in rows] == [(b.order["id"], "2")]
    assert rows[0]["contact_phone"] == "+8613800000000" and rows[0]["shipping_address"] == "1 Nanjing Rd"
    assert (await client.get(url, headers=auth(other.shop.token))).status_code == 404
    for role in ("admin", "finance"):
        assert (await client.get(url, headers=auth(await make_token(app, role)))).status_code == 403
