"""The brand's console socket, cart counts, outbox events from checkout, and the funnel counts."""

from __future__ import annotations

import httpx

from broadcast.liveroom.console import TOKEN_RECHECK_S
from broadcast.liveroom.funnel import ref_counts
from server.auth.tokens import TokenService
from server.kernel.referrals import REF_VOUCHER_STATE
from tests.event_contracts import emit_payload
from tests.factories import auth, make_token
from tests.factories_commission import order_paid_payload
from tests.factories_liveroom import live_session, viewer


def console_url(live, token):
    return f"ws://{live.host}/ws/console/sessions/{live.session_id}?token={token}"


async def test_console_needs_a_brand_token_of_its_own_tenant(live, room_app):
    finance = await make_token(room_app, "finance")
    other = await live_session(room_app, live.http)
    other_brand = other.brand_token
    for token, code in (("zx_bogus", 4401), (finance, 4403), (other_brand, 4404)):
        async with viewer(console_url(live, token)) as console:
            closed, _ = await console.wait_closed()
        assert closed == code


async def test_a_revoked_token_closes_its_open_console_within_seconds(live, room_app):
    brand = await make_token(room_app, "brand", brand_id=live.brand_id)
    admin = await make_token(room_app, "admin")
    async with viewer(console_url(live, brand)) as console:
        await console.wait_for(lambda e: e["type"] == "snapshot")
        async with room_app.state.sessionmaker() as session:
            token_id = (await TokenService(session).resolve(brand)).token_id
        async with httpx.AsyncClient(base_url=live.http) as http:
            revoked = await http.delete(f"/api/v1/admin/tokens/{token_id}", headers=auth(admin))
        assert revoked.status_code == 200, revoked.text
        closed, reason = await console.wait_closed(within_s=3 * TOKEN_RECHECK_S)
    assert closed == 4401 and "revoked" in reason


async def test_console_sees_the_stream_plus_cart_and_order_counts(live, room_app):
    async with viewer(console_url(live, live.brand_token)) as console, viewer(live.ws(ref="LINKA")) as v:
        await console.wait_for(lambda e: e["type"] == "snapshot")
        await v.wait_for(lambda e: e["type"] == "snapshot")
        # when a viewer adds to cart (socket intent) and checkout reports an added item and a paid order
        await v.send({"type": "cart", "sku_id": live.sku_ids[0]})
        async with room_app.state.sessionmaker() as session:
            emit_payload(
                session,
                "CartItemAdded",
                live.session_id,
                {"session_id": live.session_id, "sku_id": live.sku_ids[1], "quantity": 2, "ref": None},
            )
            emit_payload(
                session,
                "StockChanged",
                live.session_id,
                {"session_id": live.session_id, "sku_id": live.sku_ids[0], "stock": 7, "sold": 3},
            )
            emit_payload(
                session,
                "OrderPaid",
                "ord_1",
                order_paid_payload(
                    live.brand_id, [(live.sku_ids[0], 300)], session_id=live.session_id, order_id="ord_1"
                )
                | {"lines": [{"sku_id": live.sku_ids[0], "quantity": 3, "unit_price_minor": 100, "amount_minor": 300}]},
            )
            await session.commit()
        await room_app.state.dispatcher.drain()
        # then viewers see cart counts per SKU and the new stock
        await v.wait_for(lambda e: e["type"] == "carts" and e["counts"] == {live.sku_ids[0]: 1, live.sku_ids[1]: 2})
        stock = await v.wait_for(lambda e: e["type"] == "stock")
        assert (stock["sku_id"], stock["stock"]) == (live.sku_ids[0], 7)
        # and the console also gets per-SKU carts and orders
        await console.wait_for(lambda e: e["type"] == "sales" and e["orders"] == {live.sku_ids[0]: 3}, within_s=4)
        await console.wait_for(lambda e: e["type"] == "carts")


def back_only(*codes):
    """A stand-in for distribution's voucher (server/kernel/referrals.py): these codes are backed."""

    async def vouch(ref, visitor_id, attribution_token):
        return ref in codes

    return vouch


async def test_ref_counts_per_link(live, room_app):
    # given a voucher that backs LINKA only (the real one, a click or cookie: tests/integration/distribution)
    setattr(room_app.state, REF_VOUCHER_STATE, back_only("LINKA"))
    async with viewer(live.ws(ref="LINKA")) as a, viewer(live.ws(ref="LINKA")) as b, viewer(live.ws(ref="LINKZ")) as c:
        for watcher in (a, b, c):
            await watcher.wait_for(lambda e: e["type"] == "snapshot")
        await a.send({"type": "like", "count": 7})
        await b.send({"type": "cart", "sku_id": live.sku_ids[0]})
        await c.send({"type": "like", "count": 1})
        await c.wait_for(lambda e: e["type"] == "viewers" and e["count"] == 3)
        await c.wait_for(lambda e: e["type"] == "likes" and e["total"] == 8)
        counts = await ref_counts(room_app.state, live.session_id)
    # then the backed code counts; the unbacked LINKZ counts for nobody (its like is in the total only)
    assert counts == {"LINKA": {"viewers": 2, "likes": 7, "cart_adds": 1}}
