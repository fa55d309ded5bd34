"""Order webhooks end to end: typed events written to the outbox reach a real receiver on loopback
(allowed by the egress setting outside production, as in the reminder tests), signed, in order per
order, retried on the injected clock, logged, replayed on request; a disabled endpoint gets nothing."""

from __future__ import annotations

import asyncio
import json

from commission.models import SettlementRun
from server.kernel import clock
from server.kernel.contracts import PayoutSent
from server.kernel.signed_post import verify_signature
from tests.factories import auth
from tests.factories_reminders import webhook_receiver
from tests.factories_webhooks import (
    brand_desk,
    deliveries,
    order_paid,
    order_refunded,
    publish,
    register,
    send,
    session_state,
)

EVERY_EVENT = ["order.paid", "order.refunded", "session.live", "session.ended"]


async def test_each_subscribed_event_arrives_signed_with_its_typed_payload(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver() as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid", "session.live"])
        receiver.secret = endpoint["secret"]
        paid = order_paid(desk.brand_id)
        # when the brand's events happen: two it chose, one it did not, one no webhook stands for
        await publish(
            app,
            (paid, paid.order_id),
            (order_refunded(paid), paid.order_id),
            (session_state(desk.brand_id, "live"), "ses_hook"),
            (session_state(desk.brand_id, "cancelled"), "ses_hook"),
        )
        assert (await send(app)).sent == 2
    # then the receiver got the two (sent side by side: they are about different things), each
    # signed, named, keyed by the event's id
    calls = {c["event"]: c for c in receiver.calls}
    assert sorted(calls) == ["order.paid", "session.live"] and len(receiver.calls) == 2
    assert all(c["signed"] and c["status"] == 200 for c in receiver.calls)
    first = calls["order.paid"]["body"]
    assert first["type"] == "order.paid" and first["version"] == 1 and first["brand_id"] == desk.brand_id
    assert first["data"] == paid.payload()
    assert calls["order.paid"]["idempotency_key"] == first["id"] and first["id"].startswith("evt_")
    assert calls["session.live"]["body"]["data"]["state"] == "live"
    # and another brand's events never reach it
    other = await brand_desk(app, client)
    stranger = order_paid(other.brand_id)
    await publish(app, (stranger, stranger.order_id))
    assert (await send(app)).sent == 0


async def test_a_receiver_failing_three_times_gets_each_event_once_and_in_order(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver(statuses=[500, 503, 500]) as receiver:
        endpoint = await register(client, desk, receiver.url, EVERY_EVENT)
        receiver.secret = endpoint["secret"]
        paid = order_paid(desk.brand_id)
        await publish(app, (paid, paid.order_id), (order_refunded(paid), paid.order_id))
        # the paid event fails; the refund of the same order waits behind it
        for _ in range(3):
            assert (await send(app)).retrying == 1
            assert (await send(app)).retrying == 0  # not due before its backoff
            clock.advance(6 * 3600 * 1.25)
        # another order is not held up by this one
        other = order_paid(desk.brand_id)
        await publish(app, (other, other.order_id))
        assert (await send(app)).sent == 2  # the paid event at last, and the other order
        assert (await send(app)).sent == 1  # then the refund
        assert (await send(app)).sent == 0
    delivered = [(c["body"]["type"], c["body"]["data"]["order_id"]) for c in receiver.calls if c["status"] == 200]
    assert sorted(delivered[:2]) == sorted([("order.paid", paid.order_id), ("order.paid", other.order_id)])
    assert delivered[2] == ("order.refunded", paid.order_id) and len(delivered) == 3
    assert [c["status"] for c in receiver.calls][:3] == [500, 503, 500]
    assert len({c["idempotency_key"] for c in receiver.calls if c["body"]["data"]["order_id"] == paid.order_id}) == 2
    # and the log shows every attempt: status, latency, the receiver's answer
    log = {d["event"] + d["order_key"]: d for d in await deliveries(client, desk, endpoint["id"])}
    paid_log = log["order.paid" + paid.order_id]
    assert paid_log["state"] == "sent" and paid_log["attempts"] == 4
    assert [a["status"] for a in paid_log["log"]] == [200, 500, 503, 500]
    assert all(a["latency_ms"] is not None and a["excerpt"] == "ok" for a in paid_log["log"])


async def test_replay_sends_a_delivery_again(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver() as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid"])
        receiver.secret = endpoint["secret"]
        paid = order_paid(desk.brand_id)
        await publish(app, (paid, paid.order_id))
        assert (await send(app)).sent == 1
        [delivery] = await deliveries(client, desk, endpoint["id"])
        url = f"{desk.hooks}/{endpoint['id']}/deliveries/{delivery['id']}/replay"
        replayed = await client.post(url, headers=auth(desk.token))
        assert replayed.status_code == 202 and replayed.json()["state"] == "pending"
        assert (await send(app)).sent == 1
    assert len(receiver.calls) == 2 and receiver.calls[0]["raw"] == receiver.calls[1]["raw"]
    assert all(c["signed"] for c in receiver.calls)
    [after] = await deliveries(client, desk, endpoint["id"])
    assert after["state"] == "sent" and len(after["log"]) == 2


async def test_an_endpoint_that_keeps_failing_is_disabled_and_then_gets_nothing(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver(statuses=[500] * 10) as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid"])
        receiver.secret = endpoint["secret"]
        paid = order_paid(desk.brand_id)
        await publish(app, (paid, paid.order_id))
        for _ in range(3):
            await send(app, disable_after_failures=3)
            clock.advance(6 * 3600 * 1.25)
        assert len(receiver.calls) == 3
        # then the brand is told why on its endpoint (the console shows it)
        shown = (await client.get(f"{desk.hooks}/{endpoint['id']}", headers=auth(desk.token))).json()
        assert shown["state"] == "disabled" and "3 attempts in a row failed" in shown["disabled_reason"]
        # and neither the waiting delivery nor a new event is sent any more
        later = order_paid(desk.brand_id)
        await publish(app, (later, later.order_id))
        clock.advance(7 * 24 * 3600)
        assert (await send(app, disable_after_failures=3)).sent == 0
        assert len(receiver.calls) == 3
        # until the brand re-enables it: the waiting delivery goes out
        enabled = await client.patch(f"{desk.hooks}/{endpoint['id']}", json={"enabled": True}, headers=auth(desk.token))
        assert enabled.json()["state"] == "active"
        receiver.statuses.clear()
        assert (await send(app)).sent == 1
    assert receiver.calls[-1]["body"]["data"]["order_id"] == paid.order_id


async def test_retries_stop_after_three_days(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver(statuses=[503] * 100) as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid"])
        receiver.secret = endpoint["secret"]
        paid = order_paid(desk.brand_id)
        await publish(app, (paid, paid.order_id))
        for _ in range(40):
            await send(app, disable_after_failures=1000)
            clock.advance(6 * 3600 * 1.25)
    [delivery] = await deliveries(client, desk, endpoint["id"])
    first, last = delivery["log"][-1]["attempted_at"], delivery["log"][0]["attempted_at"]
    assert delivery["state"] == "failed" and 10 <= delivery["attempts"] < 25
    span_h = (clock.as_utc(_parse(last)) - clock.as_utc(_parse(first))).total_seconds() / 3600
    assert 60 <= span_h <= 72
    shown = (await client.get(f"{desk.hooks}/{endpoint['id']}", headers=auth(desk.token))).json()
    assert shown["state"] == "disabled"


async def test_a_rotated_secret_signs_beside_the_old_one_during_the_overlap(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver() as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid"])
        old = endpoint["secret"]
        rotate = f"{desk.hooks}/{endpoint['id']}/secret"
        rotated = await client.post(rotate, json={"overlap_hours": 24}, headers=auth(desk.token))
        assert rotated.status_code == 200 and rotated.json()["secret"] not in (None, old)
        receiver.secret = new = rotated.json()["secret"]
        verified = []
        for hours in (0, 25):  # inside the overlap window, then past it
            clock.advance(hours * 3600)
            paid = order_paid(desk.brand_id)
            await publish(app, (paid, paid.order_id))
            assert (await send(app)).sent == 1
            call = receiver.calls[-1]
            verified.append([verify_signature(s, call["signature"], call["raw"]) for s in (old, new)])
    assert verified == [[True, True], [False, True]]
    assert json.loads(receiver.calls[-1]["raw"])["type"] == "order.paid"


def _parse(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


async def test_two_workers_at_once_send_each_delivery_once(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver() as receiver:
        endpoint = await register(client, desk, receiver.url, ["order.paid"])
        receiver.secret = endpoint["secret"]
        orders = [order_paid(desk.brand_id) for _ in range(6)]
        await publish(app, *((paid, paid.order_id) for paid in orders))
        # when two workers pass over the same due deliveries at the same moment
        first, second = await asyncio.gather(send(app), send(app))
    # then each one was claimed by one of them and sent once
    assert first.sent + second.sent == 6
    assert sorted(c["body"]["data"]["order_id"] for c in receiver.calls) == sorted(p.order_id for p in orders)


async def test_a_payout_is_heard_by_the_brand_whose_run_paid_it_only(app, client):
    desk = await brand_desk(app, client)
    with webhook_receiver() as receiver:
        endpoint = await register(client, desk, receiver.url, ["payout.sent"])
        receiver.secret = endpoint["secret"]
        async with app.state.sessionmaker() as db:
            db.add(SettlementRun(id="stl_brand_run", as_of=clock.utcnow(), brand_id=desk.brand_id))
            db.add(SettlementRun(id="stl_platform_run", as_of=clock.utcnow(), brand_id=None))
            await db.commit()
        # when one payout comes from the brand's own run and one from a platform-wide run
        await publish(app, *((payout_sent(run_id), run_id) for run_id in ("stl_brand_run", "stl_platform_run")))
        assert (await send(app)).sent == 1
    [call] = receiver.calls
    assert call["event"] == "payout.sent" and call["body"]["data"]["run_id"] == "stl_brand_run"


def payout_sent(run_id: str) -> PayoutSent:
    return PayoutSent(
        payout_id=f"po_{run_id}",
        partner_id="ptn_hook",
        run_id=run_id,
        currency="CNY",
        amount_minor=1782,
        transfer_id="tr_hook",
        failure_reason=None,
        at=clock.utcnow(),
    )
