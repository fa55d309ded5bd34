"""Replays that sell: the pins made during the live are the replay's pin timeline and chapters; a
partner-link buyer during the replay is attributed with rule `replay` and earns through the
ledger; after the brand's live-price days the replay sells at the list price; the funnel and the
figures count replay views and sales apart; only an ended session becomes a replay."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from broadcast.replays.timeline import moments_of, pinned_at
from commission.models.ledger import JournalTransaction, LedgerEntry
from server.kernel import clock
from tests.factories import add_to_lineup, auth, make_sku, make_token
from tests.factories_checkout import Shop, add_to_cart, checkout, intent_event, make_shop, post_webhook, start_paying
from tests.factories_distribution import approve, make_link, make_partner
from tests.stripe_server import WEBHOOK_SECRET

BROWSER = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/120 Mobile"}
RECORDING = "https://video.example.com/rec/show-1.mp4"
DAY_S = 86_400


async def _pin(client: Any, shop: Shop, sku_id: str | None) -> None:
    path = f"/api/v1/sessions/{shop.session_id}/pin"
    if sku_id is None:
        response = await client.delete(path, headers=auth(shop.token))
    else:
        response = await client.put(path, json={"sku_id": sku_id}, headers=auth(shop.token))
    assert response.status_code == 200, response.text


async def _end_and_replay(app: Any, client: Any, shop: Shop) -> dict[str, Any]:
    ended = await client.post(
        f"/api/v1/sessions/{shop.session_id}/state", json={"state": "ended"}, headers=auth(shop.token)
    )
    assert ended.status_code == 200, ended.text
    attached = await client.put(
        f"/api/v1/sessions/{shop.session_id}/replay", json={"playback_url": RECORDING}, headers=auth(shop.token)
    )
    assert attached.status_code == 200, attached.text
    await app.state.dispatcher.drain()
    return attached.json()  # type: ignore[no-any-return]


async def test_the_pin_timeline_is_the_pins_made_and_chapters_jump_to_each_sku(app, client):
    # given a live session with two SKUs, pinned in turn, an unpin, and a price change mid-show
    shop = await make_shop(app, client, price_minor=10000, live_price_minor=8000)
    other = await make_sku(client, shop.token, shop.brand_id, price_minor=5000, stock=3)
    await add_to_lineup(client, shop.token, shop.session_id, other["id"])
    await app.state.dispatcher.drain()
    for sku_id in (shop.sku_id, other["id"], None, shop.sku_id):
        await _pin(client, shop, sku_id)
        clock.advance(30)
    changed = await client.patch(f"/api/v1/skus/{other['id']}", json={"price_minor": 4500}, headers=auth(shop.token))
    assert changed.status_code == 200, changed.text
    await app.state.dispatcher.drain()
    # when the show ends and the brand attaches its recording
    session = await _end_and_replay(app, client, shop)
    assert (session["state"], session["replay_url"]) == ("replay", RECORDING)
    replay = (await client.get(f"/api/v1/sessions/{shop.session_id}/replay")).json()
    # then the replay's pin timeline is exactly the pins made, in order, with growing offsets
    pins = (await client.get(f"/api/v1/sessions/{shop.session_id}/pins", headers=auth(shop.token))).json()["items"]
    made = [p["sku_id"] for p in sorted(pins, key=lambda p: p["pinned_at"])]
    timeline = [m for m in replay["moments"] if m["kind"] == "pin"]
    assert [m["sku_id"] for m in timeline] == made == [shop.sku_id, other["id"], None, shop.sku_id]
    offsets = [m["offset_ms"] for m in timeline]
    assert offsets == sorted(offsets) and offsets[1] - offsets[0] >= 30_000
    # and the price moments hold the go-live prices and the change
    prices = [(m["sku_id"], m["detail"]["price_minor"]) for m in replay["moments"] if m["kind"] == "price"]
    assert (shop.sku_id, 8000) in prices and (other["id"], 5000) in prices and prices[-1] == (other["id"], 4500)
    # and each SKU's chapter starts at its first pin; seeking there pins that SKU
    chapters = {c["sku_id"]: c["offset_ms"] for c in replay["chapters"]}
    assert chapters == {shop.sku_id: offsets[0], other["id"]: offsets[1]}
    async with app.state.sessionmaker() as db:
        moments = await moments_of(db, shop.session_id)
    assert pinned_at(moments, chapters[other["id"]]) == other["id"]
    assert pinned_at(moments, offsets[2] + 1) is None and pinned_at(moments, offsets[3]) == shop.sku_id


async def test_a_partner_link_buyer_in_the_replay_is_attributed_replay_and_earns(app, client, localstripe):
    # given a brand that keeps the live price for 2 days, a partner's link to the session, and the show over
    shop = await make_shop(
        app, client, price_minor=10000, live_price_minor=8000, brand_settings={"replay_live_price_days": 2}
    )
    admin = await make_token(app, "admin")
    partner = await make_partner(client, admin)
    partner_token = await make_token(app, "partner", partner_id=partner["id"])
    await approve(client, partner_token, partner["id"], shop.token, shop.brand_id)
    link = await make_link(client, partner_token, partner["id"], target="session", session_id=shop.session_id)
    await _end_and_replay(app, client, shop)
    # when, the next morning, a viewer follows the link, opens the replay and buys
    clock.advance(DAY_S / 2)
    headers = await _follow(client, link)
    assert (await client.get(f"/live/{shop.session_id}?ref={link['code']}", headers=headers)).status_code == 200
    order = await _buy_and_pay(app, client, shop, headers)
    # then it sold at the live price, is attributed to the partner by `replay`, and the ledger accrued it
    assert order["amount_minor"] == 8000
    why = (await client.get(f"/api/v1/orders/{order['id']}/attribution", headers=auth(shop.token))).json()
    assert (why["rule"], why["partner_id"], why["earns"]) == ("replay", partner["id"], True), why
    assert await _accrued(app, order["id"]) > 0
    # and the funnel and the figures count the replay view and sale apart from the live
    funnel = (await client.get(f"/api/v1/sessions/{shop.session_id}/funnel", headers=auth(partner_token))).json()
    [mine] = funnel["partners"]
    assert (mine["replay_views"], mine["replay_orders"], mine["replay_gmv_minor"]) == (1, 1, 8000)
    figures = (await client.get(f"/api/v1/sessions/{shop.session_id}/replay/figures", headers=auth(shop.token))).json()
    assert (figures["live_orders"], figures["replay_orders"], figures["replay_gmv_minor"]) == (0, 1, 8000)
    assert figures["replay_views"] == 1
    other_brand = await make_shop(app, client)
    forbidden = await client.get(f"/api/v1/sessions/{shop.session_id}/replay/figures", headers=auth(other_brand.token))
    assert forbidden.status_code in (403, 404)
    # and after the two days, the replay sells at the list price
    clock.advance(2 * DAY_S)
    later = await _buy_and_pay(app, client, shop, await _follow(client, link))
    assert later["amount_minor"] == 10000


async def test_only_an_ended_session_becomes_a_replay_and_bad_urls_are_refused(app, client):
    shop = await make_shop(app, client)
    path = f"/api/v1/sessions/{shop.session_id}/replay"
    live = await client.put(path, json={"playback_url": RECORDING}, headers=auth(shop.token))
    assert live.status_code == 409 and live.headers["content-type"].startswith("application/problem+json")
    via_state = await client.post(
        f"/api/v1/sessions/{shop.session_id}/state", json={"state": "replay"}, headers=auth(shop.token)
    )
    assert via_state.status_code == 422, via_state.text
    await client.post(f"/api/v1/sessions/{shop.session_id}/state", json={"state": "ended"}, headers=auth(shop.token))
    bad = await client.put(path, json={"playback_url": "javascript:alert(1)"}, headers=auth(shop.token))
    assert bad.status_code in (400, 422)
    other = await make_shop(app, client)
    foreign = await client.put(path, json={"playback_url": RECORDING}, headers=auth(other.token))
    assert foreign.status_code in (403, 404)
    ended = (await client.get(path)).json()
    assert (ended["state"], ended["replay_url"], ended["moments"]) == ("ended", None, [])


async def _follow(client: Any, link: dict[str, Any]) -> dict[str, str]:
    client.cookies.clear()
    response = await client.get(f"/l/{link['code']}", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 302, response.text
    jar = {c.name: c.value for c in client.cookies.jar}
    client.cookies.clear()
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}


async def _buy_and_pay(app: Any, client: Any, shop: Shop, headers: dict[str, str]) -> dict[str, Any]:
    assert (await add_to_cart(client, shop, headers)).status_code == 200
    placed = await checkout(client, shop, headers)
    assert placed.status_code == 201, placed.text
    paying = await start_paying(client, placed.json(), headers)
    order = paying["order"]
    intent = {
        "id": order["payment_intent_id"],
        "object": "payment_intent",
        "status": "succeeded",
        "amount": order["amount_minor"],
        "amount_received": order["amount_minor"],
        "currency": order["currency"].lower(),
        "metadata": {"order_id": order["id"]},
    }
    paid = await post_webhook(client, intent_event("payment_intent.succeeded", intent), WEBHOOK_SECRET)
    assert paid.status_code == 200, paid.text
    await app.state.dispatcher.drain()
    await app.state.dispatcher.drain()
    return order  # type: ignore[no-any-return]


async def _accrued(app: Any, order_id: str) -> int:
    """What the order's transactions moved into accounts, summed over positive entries."""
    async with app.state.sessionmaker() as db:
        stmt = (
            select(LedgerEntry.amount_minor)
            .join(JournalTransaction, col(JournalTransaction.id) == col(LedgerEntry.transaction_id))
            .where(JournalTransaction.external_ref == order_id, col(LedgerEntry.amount_minor) > 0)
        )
        return sum((await db.exec(stmt)).all())
