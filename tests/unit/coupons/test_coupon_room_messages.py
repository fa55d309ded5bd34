"""The room hears a coupon's remaining count once per change, not once per claim."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from broadcast.coupons import handlers
from broadcast.coupons.models import Coupon


class FakeRoom:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def publish(self, session_id: str, body: dict) -> None:
        self.sent.append((session_id, body))


class FakeSession:
    def __init__(self, coupon: Coupon) -> None:
        self.coupon = coupon

    async def get(self, model, ident, **_):
        return self.coupon if ident == self.coupon.id else None


async def test_a_burst_of_claims_is_published_as_one_remaining_count():
    # given a coupon of 10 whose 3 claims are delivered together (the counter already at 3)
    room = FakeRoom()
    now = datetime.now(UTC)
    coupon = Coupon(
        id="cpn_burst",
        brand_id="brd_1",
        title="t",
        amount_off_minor=1,
        currency="CNY",
        total_limit=10,
        claimed=3,
        valid_from=now,
        valid_until=now,
    )
    session = FakeSession(coupon)
    events = [SimpleNamespace(payload={"session_id": "ses_1", "coupon_id": "cpn_burst"}) for _ in range(3)]
    # when the handler runs for each
    for event in events:
        await handlers.on_coupon_claimed(session, event, room=room)  # type: ignore[arg-type]
    # then the room got one message, with the current count
    assert room.sent == [("ses_1", {"type": "coupon_remaining", "coupon_id": "cpn_burst", "remaining": 7})]
    # and a later claim is published again
    coupon.claimed = 4
    await handlers.on_coupon_claimed(session, events[0], room=room)  # type: ignore[arg-type]
    assert room.sent[-1][1]["remaining"] == 6
