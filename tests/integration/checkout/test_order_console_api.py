"""What the brand's order console reads and does through the API: the order list filtered by
session, partner, state and dates (newest first, by cursor), the attribution "why" and the
commission entries of one order, and a refund preview that is exactly what the refund reverses.
Every read is the brand's own: another brand gets 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import auth, make_brand, make_session, make_token
from tests.factories_checkout import visitor
from tests.factories_orders import brand_orders, paid_direct, paid_through_link, partner_shop, place


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()["items"]]


async def test_filters_narrow_the_brands_orders_newest_first(app, client, localstripe):
    # given a paid order through the partner's link, a paid order without one, and an unpaid order
    world = await partner_shop(app, client)
    shop = world.shop
    linked = await paid_through_link(app, client, localstripe, world)
    direct = await paid_direct(app, client, localstripe, shop)
    unpaid = await place(client, shop, visitor())
    newest_first = [unpaid["id"], direct["id"], linked["id"]]
    # then the whole list is newest first, and a page of one walks it by cursor
    assert ids(await brand_orders(client, shop)) == newest_first
    walked, cursor = [], None
    while True:
        page = (await brand_orders(client, shop, limit=1, **({"cursor": cursor} if cursor else {}))).json()
        walked += [o["id"] for o in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert walked == newest_first
    # and each filter narrows it
    assert ids(await brand_orders(client, shop, state="paid")) == [direct["id"], linked["id"]]
    assert ids(await brand_orders(client, shop, partner_id=world.partner_id)) == [linked["id"]]
    assert ids(await brand_orders(client, shop, session_id=shop.session_id, state="pending_payment")) == [unpaid["id"]]
    other_session = await make_session(client, shop.token, shop.brand_id)
    assert ids(await brand_orders(client, shop, session_id=other_session["id"])) == []
    now = datetime.now(UTC)
    window = {
        "created_from": (now - timedelta(hours=1)).isoformat(),
        "created_until": (now + timedelta(hours=1)).isoformat(),
    }
    assert ids(await brand_orders(client, shop, **window)) == newest_first
    assert ids(await brand_orders(client, shop, created_from=(now + timedelta(hours=1)).isoformat())) == []
    # and a filter it cannot read is a 422 with the field, not a 500
    bad_state = await brand_orders(client, shop, state="lost")
    assert bad_state.status_code == 422 and bad_state.json()["errors"][0]["field"] == "state"
    backwards = await brand_orders(
        client, shop, created_from=now.isoformat(), created_until=(now - timedelta(days=1)).isoformat()
    )
    assert backwards.status_code == 422


async def test_the_order_page_reads_the_attribution_and_the_commission_entries(app, client, localstripe):
    # given an order of 100.00 paid through the partner's link (brand default rate 10 %)
    world = await partner_shop(app, client)
    order = await paid_through_link(app, client, localstripe, world)
    headers = auth(world.shop.token)
    # then the "why" names the partner, the link and the click
    why = (await client.get(f"/api/v1/orders/{order['id']}/attribution", headers=headers)).json()
    assert (why["rule"], why["partner_id"], why["link_id"], why["earns"]) == (
        "last_click",
        world.partner_id,
        world.link_id,
        True,
    )
    assert why["link_code"] == world.link_code and why["clicked_at"] is not None and why["partner_name"]
    # and the accrual's entries balance and pay the partner its 10.00
    entries = (await client.get(f"/api/v1/orders/{order['id']}/commission/entries", headers=headers)).json()
    assert entries["next_cursor"] is None and sum(e["amount_minor"] for e in entries["items"]) == 0
    partner = [e for e in entries["items"] if e["owner_type"] == "partner"]
    assert [(e["owner_id"], e["kind"], e["amount_minor"]) for e in partner] == [(world.partner_id, "pending", 1000)]
    # an unpaid order has no decision yet: 404, not an empty 200
    unpaid = await place(client, world.shop, visitor())
    assert (await client.get(f"/api/v1/orders/{unpaid['id']}/attribution", headers=headers)).status_code == 404


async def test_the_refund_preview_is_what_the_refund_then_reverses(app, client, localstripe):
    # given an order of 100.00 paid through the partner's link
    world = await partner_shop(app, client)
    order = await paid_through_link(app, client, localstripe, world)
    headers, url = auth(world.shop.token), f"/api/v1/orders/{order['id']}"
    for amount in (3333, None):  # a partial refund with a remainder to round, then the rest
        # when the brand previews it and then refunds it
        params = {"amount_minor": amount} if amount else {}
        preview = (await client.get(f"{url}/commission/refund-preview", params=params, headers=headers)).json()
        refund = await client.post(f"{url}/refunds", json=params, headers=headers)
        assert refund.status_code == 201, refund.text
        await app.state.dispatcher.drain()
        # then the reversal the ledger posted for that refund is the preview, party by party
        entries = (await client.get(f"{url}/commission/entries", headers=headers)).json()["items"]
        posted = {
            (e["owner_type"], e["kind"]): e["amount_minor"] for e in entries if e["external_ref"] == refund.json()["id"]
        }
        assert preview["refund_minor"] == refund.json()["amount_minor"] == preview["applies_minor"]
        assert posted[("partner", "pending")] == -preview["partner_minor"] < 0
        assert posted.get(("platform", "fee"), 0) == -preview["platform_fee_minor"]  # a zero leg is not posted
        assert posted[("brand", "net")] == -preview["brand_net_minor"]
    # and after both, the whole commission is reversed
    split = (await client.get(f"{url}/commission", headers=headers)).json()
    assert split["partner_reversed_minor"] == split["partner_minor"] == 1000
    # a preview changes nothing: asked again, it still says the rest is nothing to reverse
    nothing = await client.get(f"{url}/commission/refund-preview", params={"amount_minor": 1}, headers=headers)
    assert nothing.json()["applies_minor"] == 0


async def test_another_brand_sees_none_of_it(app, client, localstripe):
    # given a paid order of brand A through its partner's link, and brand B's token
    world = await partner_shop(app, client)
    order = await paid_through_link(app, client, localstripe, world)
    other = await make_brand(client, await make_token(app, "admin"))
    intruder = auth(await make_token(app, "brand", brand_id=other["id"]))
    url = f"/api/v1/orders/{order['id']}"
    # then every read and the preview are 404 to B, and B's partner filter finds none of A's orders
    for path in ("", "/attribution", "/commission", "/commission/entries", "/commission/refund-preview", "/refunds"):
        assert (await client.get(url + path, headers=intruder)).status_code == 404, path
    assert (await client.get(f"/api/v1/brands/{world.shop.brand_id}/orders", headers=intruder)).status_code == 404
    mine = await client.get(
        f"/api/v1/brands/{other['id']}/orders", params={"partner_id": world.partner_id}, headers=intruder
    )
    assert ids(mine) == []
    # and B cannot refund it
    refused = await client.post(f"{url}/refunds", json={"amount_minor": 100}, headers=intruder)
    assert refused.status_code == 404
