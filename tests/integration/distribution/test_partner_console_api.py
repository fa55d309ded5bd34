"""The partner console's API: earnings equal the ledger after a sale refunded after its payout
(with the clawback's cause), the bound customer masked, a link created and its poster and share
code (口令); each partner sees only its own; bad input is a clear 4xx, never a 500."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from distribution.models import Attribution, CustomerBinding, FunnelOrder
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from tests.app_settings import stripe_settings
from tests.factories import auth, make_token
from tests.factories_distribution import make_link, make_partner
from tests.factories_partner_console import ledger_balances, refund_after_payout

zxingcpp = pytest.importorskip("zxingcpp")


@pytest.fixture
def settings(db_url, localstripe, connect_server):
    return stripe_settings(db_url, localstripe, stripe_connect_api_base=connect_server.base_url)


async def test_earnings_equal_the_ledger_after_a_refund_after_payout(app, client, localstripe, connect_server):
    # given a 100.00 sale at 10 %, paid out (10.00), then refunded 30.00
    w = await refund_after_payout(app, client, localstripe, connect_server)
    # when the partner reads its earnings
    response = await client.get(f"/api/v1/partners/{w.shop.partner_id}/earnings", headers=auth(w.partner_token))
    assert response.status_code == 200, response.text
    body = response.json()
    [cny] = body["currencies"]
    # then every balance is the ledger's, and the 3.00 owed back is flagged with its cause
    ledger = await ledger_balances(app, w.shop.partner_id)
    assert {k: cny[f"{k}_minor"] for k in ("pending", "available", "in_flight", "paid")} == {
        k: ledger.get(k, 0) for k in ("pending", "available", "in_flight", "paid")
    }
    assert (cny["available_minor"], cny["paid_minor"], cny["owed_minor"], cny["clawback_minor"]) == (
        -300,
        1000,
        -300,
        300,
    )
    [cause] = cny["clawback_causes"]
    assert cause["order_id"] == w.order["id"] and cause["amount_minor"] == -300
    assert cause["after_payout_id"] == w.payout["payout_id"] and cause["after_transfer_id"] == w.payout["transfer_id"]
    assert "negative balance" in cny["next_payout_blocked"] and cny["next_payout_blocked_code"] == "negative"
    [payout] = body["payouts"]
    assert (payout["state"], payout["transfer_id"], payout["amount_minor"]) == ("paid", w.payout["transfer_id"], 1000)
    assert body["payout_account_connected"] and body["minimum_payout_minor"] == 100
    # and the statement's closing balance says the same
    statement = (
        await client.get(f"/api/v1/partners/{w.shop.partner_id}/statement", headers=auth(w.partner_token))
    ).json()
    assert statement["currencies"][0]["closing_owed_minor"] == cny["owed_minor"]
    # and the buyer is a bound customer, masked: one order, 70.00 after the refund
    customers = (
        await client.get(f"/api/v1/partners/{w.shop.partner_id}/customers", headers=auth(w.partner_token))
    ).json()
    [customer] = customers["items"]
    assert customer["tag"].startswith("buyer·") and (customer["orders"], customer["gmv_minor"]) == (1, 7000)
    assert customer["binding_active"] and customer["currency"] == "CNY"
    assert not {"email", "phone", "name", "contact", "order_id"} & set(customer)


async def test_a_partner_sees_only_its_own_money_customers_links_and_posters(app, client, localstripe, connect_server):
    w = await refund_after_payout(app, client, localstripe, connect_server)
    admin = await make_token(app, "admin")
    other = await make_partner(client, admin)
    other_token = await make_token(app, "partner", partner_id=other["id"])
    mine = w.shop.partner_id
    for path in ("earnings", "customers", "statement"):
        assert (await client.get(f"/api/v1/partners/{mine}/{path}", headers=auth(other_token))).status_code == 404
    assert (
        await client.get(f"/api/v1/links/{w.shop.link_id}/poster.png", headers=auth(other_token))
    ).status_code == 404
    # the other partner's own lists are empty, not someone else's
    assert (await client.get(f"/api/v1/partners/{other['id']}/customers", headers=auth(other_token))).json()[
        "items"
    ] == []
    assert (await client.get(f"/api/v1/partners/{other['id']}/earnings", headers=auth(other_token))).json()[
        "currencies"
    ] == []
    brand = w.shop.shop.token
    assert (await client.get(f"/api/v1/partners/{mine}/earnings", headers=auth(brand))).status_code == 403
    assert (await client.get(f"/api/v1/partners/{mine}/customers", headers=auth(brand))).status_code == 403
    # finance reads any partner's earnings (it settles them); nobody reads an unknown partner's
    assert (await client.get(f"/api/v1/partners/{mine}/earnings", headers=auth(w.finance_token))).status_code == 200
    assert (await client.get("/api/v1/partners/ptn_nope/earnings", headers=auth(admin))).status_code == 404
    assert (await client.get("/api/v1/partners/ptn_nope/customers", headers=auth(admin))).status_code == 404
    assert (await client.get(f"/api/v1/partners/{mine}/earnings")).status_code == 401


async def test_customers_are_each_partners_own_and_show_binding_expiry(app, client):
    # given two partners of one brand, each with one bound buyer (rows as attribution writes them)
    admin = await make_token(app, "admin")
    a, b = await make_partner(client, admin), await make_partner(client, admin)
    async with app.state.sessionmaker() as session:
        for partner, amount in ((a, 5000), (b, 9000)):
            order_id, at = new_id("ord"), utcnow()
            session.add(
                CustomerBinding(
                    id=new_id("bnd"),
                    brand_id="brd_x",
                    buyer_key=f"k-{order_id}",
                    partner_id=partner["id"],
                    order_id=order_id,
                    bound_since=at,
                    expires_at=None,
                )
            )
            session.add(
                Attribution(
                    id=new_id("atr"),
                    order_id=order_id,
                    brand_id="brd_x",
                    partner_id=partner["id"],
                    rule="last_click",
                    earns=True,
                    paid_at=at,
                )
            )
            session.add(
                FunnelOrder(
                    order_id=order_id,
                    brand_id="brd_x",
                    partner_id=partner["id"],
                    amount_minor=amount,
                    currency="CNY",
                    buyer_tag="buyer·ab12",
                    paid_at=at,
                )
            )
        await session.commit()
    token_a = await make_token(app, "partner", partner_id=a["id"])
    [only] = (await client.get(f"/api/v1/partners/{a['id']}/customers", headers=auth(token_a))).json()["items"]
    assert (only["gmv_minor"], only["binding_expires_at"], only["binding_active"]) == (5000, None, True)


async def test_link_poster_and_share_code_open_the_link(app, client, localstripe, connect_server):
    w = await refund_after_payout(app, client, localstripe, connect_server)
    link = await make_link(
        client, w.partner_token, w.shop.partner_id, target="sku", sku_id=w.shop.shop.sku_id, label="群A"
    )
    assert link["share_code"].startswith("ZX-") and link["poster_png"].endswith("/poster.png")
    poster = await client.get(link["poster_png"], headers=auth(w.partner_token))
    assert poster.status_code == 200 and poster.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(poster.content))
    assert image.format == "PNG" and image.info.get("Label") == "广告"
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [link["url"]]
    # the pasted message finds the code; the code opens the tracked link (which counts the click)
    pasted = f"【{link['share_code']}】春季上新 复制这段口令"
    found = await client.get("/s", params={"q": pasted}, follow_redirects=False)
    assert (
        found.status_code == 303
        and found.headers["location"] == f"/s/{link['share_code'].replace('ZX-', '').replace('-', '')}"
    )
    opened = await client.get(found.headers["location"], follow_redirects=False)
    assert opened.status_code == 302 and opened.headers["location"] == f"/l/{link['code']}"
    assert (await client.get(f"/s/{link['share_code']}", follow_redirects=False)).headers[
        "location"
    ] == f"/l/{link['code']}"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/s?q=nothing+here", 404),
        ("/s/ZZZZZZZZ", 404),
        ("/s/not-a-code!", 404),
        ("/s/" + "A" * 300, 404),
        ("/s/ZX%01", 404),
        ("/s", 200),
    ],
)
async def test_share_codes_that_open_nothing_get_a_friendly_page(client, path, status):
    response = await client.get(path, follow_redirects=False)
    assert response.status_code == status and response.headers["content-type"].startswith("text/html")
    assert 'name="q"' in response.text


@pytest.mark.parametrize(
    "body",
    [
        {"target": "session"},
        {"target": "sku", "session_id": "ses_x"},
        {"target": "planet", "session_id": "ses_x"},
        {"target": "session", "session_id": "ses_x", "label": "x" * 81},
        {"target": "session", "session_id": "ses_x", "extra": 1},
    ],
)
async def test_bad_link_requests_are_422(app, client, body):
    admin = await make_token(app, "admin")
    partner = await make_partner(client, admin)
    token = await make_token(app, "partner", partner_id=partner["id"])
    response = await client.post(f"/api/v1/partners/{partner['id']}/links", json=body, headers=auth(token))
    assert response.status_code in (400, 422), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
