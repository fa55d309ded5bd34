"""Factories for order webhooks: a brand with a token, an endpoint registered through the API, a
typed event written to the outbox (as its emitter would) and one delivery pass. The receiver is
the reminders' real loopback HTTP server (`tests.factories_reminders.webhook_receiver`)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from server.kernel import clock
from server.kernel.contracts import Event, OrderPaid, OrderRefunded, SessionStateChanged
from server.kernel.contracts.orders import Attribution, OrderLine
from server.kernel.outbox import emit
from server.webhooks.sending import SendConfig, SendReport, deliver_due
from tests.factories import auth, make_brand, make_token

_seq = itertools.count(1)


@dataclass
class BrandDesk:
    brand_id: str
    token: str

    @property
    def hooks(self) -> str:
        return f"/api/v1/brands/{self.brand_id}/webhooks"


async def brand_desk(app: Any, client: Any) -> BrandDesk:
    brand = await make_brand(client, await make_token(app, "admin"))
    return BrandDesk(brand["id"], await make_token(app, "brand", brand_id=brand["id"]))


async def register(client: Any, desk: BrandDesk, url: str, events: list[str]) -> dict[str, Any]:
    response = await client.post(desk.hooks, json={"url": url, "events": events}, headers=auth(desk.token))
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def deliveries(client: Any, desk: BrandDesk, endpoint_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{desk.hooks}/{endpoint_id}/deliveries", headers=auth(desk.token))
    assert response.status_code == 200, response.text
    return response.json()["items"]  # type: ignore[no-any-return]


def order_paid(brand_id: str, order_id: str | None = None) -> OrderPaid:
    nobody = Attribution(
        partner_id=None,
        parent_partner_id=None,
        link_id=None,
        click_id=None,
        rule=None,
        clicked_at=None,
        bound_since=None,
        self_referral=False,
        earns=False,
        policy={},
    )
    line = OrderLine(sku_id="sku_hook", quantity=2, unit_price_minor=4900, amount_minor=9800)
    return OrderPaid(
        order_id=order_id or f"ord_hook{next(_seq):06d}",
        brand_id=brand_id,
        session_id="ses_hook",
        visitor_id="visitor-hook",
        currency="CNY",
        amount_minor=9800,
        lines=[line],
        paid_at=clock.utcnow(),
        attribution=nobody,
    )


def order_refunded(paid: OrderPaid, amount_minor: int = 4900) -> OrderRefunded:
    return OrderRefunded(
        order_id=paid.order_id,
        refund_id=f"rfd_hook{next(_seq):06d}",
        brand_id=paid.brand_id,
        session_id=paid.session_id,
        currency=paid.currency,
        amount_minor=amount_minor,
        refunded_total_minor=amount_minor,
        order_amount_minor=paid.amount_minor,
        refunded_at=clock.utcnow(),
    )


def session_state(brand_id: str, state: str) -> SessionStateChanged:
    return SessionStateChanged(session_id="ses_hook", brand_id=brand_id, state=state, at=clock.utcnow())


async def publish(app: Any, *events: tuple[Event, str]) -> None:
    """Each (event, aggregate id) committed to the outbox, then handed to its consumers."""
    async with app.state.sessionmaker() as db:
        for event, aggregate_id in events:
            emit(db, event, aggregate_id)
        await db.commit()
    await app.state.dispatcher.drain()


async def send(app: Any, **config: Any) -> SendReport:
    config.setdefault("egress", app.state.settings.egress_policy)  # loopback allowed outside production
    return await deliver_due(app.state.sessionmaker, SendConfig(**config))
