"""The brand's side of an after-sales request: approve (a return needs an address to send the goods
to) or refuse with a reason; confirm a return's receipt. A refund only is refunded on approval, a
return on receipt — through the one refund path (`checkout.refunds.RefundService`: Stripe, then
`OrderRefunded`, which reverses the commission), keyed by the request so a retry refunds once.

Each step commits before Stripe is called; a refund that fails leaves the request approved (or
received) with no refund, and `refund_due` finds it again for the sweeper."""

from __future__ import annotations

from typing import Literal

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.gateway import PaymentGateway
from broadcast.checkout.models import Order, RefundState
from broadcast.checkout.refunds import RefundService
from broadcast.fulfilment import history, shipping
from broadcast.fulfilment.models import Aftersale, AftersaleKind, AftersaleState
from broadcast.fulfilment.schemas import AftersaleDecision
from broadcast.models import Brand
from broadcast.services.brands import brand_settings
from server.kernel.clock import utcnow
from server.kernel.contracts import AftersaleDecided
from server.kernel.outbox import emit
from server.kernel.principal import Principal
from server.kernel.problems import IllegalTransition, InvalidInput, NotFound

By = Literal["brand", "auto"]


async def locked(session: AsyncSession, aftersale_id: str, principal: Principal | None) -> tuple[Aftersale, Order]:
    """The request and its order, both locked (order first, as every order path does)."""
    found = await session.get(Aftersale, aftersale_id)
    if found is None:
        raise NotFound.of("aftersale", aftersale_id)
    if principal is not None:
        principal.ensure_brand(found.brand_id, "aftersale", aftersale_id)
    order = await lock_order(session, found.order_id)
    stmt = select(Aftersale).where(Aftersale.id == aftersale_id).with_for_update()
    aftersale = (await session.exec(stmt.execution_options(populate_existing=True))).one()
    assert order is not None
    return aftersale, order


def _expect(aftersale: Aftersale, state: AftersaleState, step: str) -> None:
    if aftersale.state != state:
        raise IllegalTransition(
            f"a {aftersale.state} after-sales request cannot be {step}; only a {state.value} one can",
            extra={"from": aftersale.state, "step": step},
        )


async def decide(session: AsyncSession, aftersale: Aftersale, order: Order, data: AftersaleDecision, by: By) -> None:
    _expect(aftersale, AftersaleState.REQUESTED, "approved" if data.decision == "approve" else "refused")
    if data.decision == "refuse":
        if not data.reason:
            raise InvalidInput(
                "a refusal needs a reason", extra={"errors": [{"field": "reason", "message": "required"}]}
            )
        aftersale.state, aftersale.refusal_reason, aftersale.closed_at = AftersaleState.REFUSED, data.reason, utcnow()
    else:
        if aftersale.kind == AftersaleKind.RETURN_REFUND:
            aftersale.return_address = data.return_address or await _brand_return_address(session, aftersale.brand_id)
        aftersale.state = AftersaleState.APPROVED
    aftersale.decided_at = utcnow()
    _record(session, aftersale, order, "approved" if data.decision == "approve" else "refused", by)
    if aftersale.state == AftersaleState.APPROVED and aftersale.before_shipping:
        await shipping.rest_refunded(session, order)


async def auto_approve(session: AsyncSession, aftersale: Aftersale, order: Order) -> None:
    """The brand let the period pass: approved, a return with the brand's address if it set one."""
    if aftersale.kind == AftersaleKind.RETURN_REFUND:
        brand = await session.get(Brand, aftersale.brand_id)
        aftersale.return_address = brand_settings(brand).return_address if brand else None
    aftersale.state, aftersale.decided_at = AftersaleState.APPROVED, utcnow()
    _record(session, aftersale, order, "approved", "auto")
    if aftersale.before_shipping:
        await shipping.rest_refunded(session, order)


async def _brand_return_address(session: AsyncSession, brand_id: str) -> str:
    brand = await session.get(Brand, brand_id)
    address = brand_settings(brand).return_address if brand else None
    if not address:
        raise InvalidInput(
            "a return needs an address to send the goods to (or set one in the brand's settings)",
            extra={"errors": [{"field": "return_address", "message": "required"}]},
        )
    return address


async def receive(session: AsyncSession, aftersale: Aftersale, order: Order) -> None:
    _expect(aftersale, AftersaleState.APPROVED, "received")
    if aftersale.kind != AftersaleKind.RETURN_REFUND or aftersale.received_at is not None:
        raise IllegalTransition(
            "only an approved return not yet received can be received", extra={"from": aftersale.state}
        )
    aftersale.received_at = utcnow()
    _record(session, aftersale, order, "received", "brand")


def refund_is_due(aftersale: Aftersale) -> bool:
    if aftersale.state != AftersaleState.APPROVED:
        return False
    return aftersale.kind == AftersaleKind.REFUND_ONLY or aftersale.received_at is not None


async def refund(session: AsyncSession, gateway: PaymentGateway | None, aftersale_id: str, by: By) -> None:
    """Refund a request whose refund is due (committed before); then mark it refunded."""
    aftersale = await session.get(Aftersale, aftersale_id, populate_existing=True)
    assert aftersale is not None
    if not refund_is_due(aftersale):
        return
    order = await session.get(Order, aftersale.order_id, populate_existing=True)
    assert order is not None
    # the brand may have refunded part of the order meanwhile: never ask for more than is left
    amount = min(aftersale.amount_minor, order.amount_minor - order.refunded_minor)
    refund_id = None
    if amount > 0:
        money = await RefundService(session, gateway).refund(
            aftersale.order_id, amount, f"aftersale-{aftersale.id}", f"after-sales {aftersale.id}", None
        )
        if money.state != RefundState.SUCCEEDED:
            return
        refund_id = money.id
    aftersale, order = await locked(session, aftersale_id, None)
    if aftersale.state == AftersaleState.APPROVED:
        aftersale.state, aftersale.refund_id, aftersale.closed_at = AftersaleState.REFUNDED, refund_id, utcnow()
        _record(session, aftersale, order, "refunded", by)
    await session.commit()


def _record(session: AsyncSession, aftersale: Aftersale, order: Order, decision: str, by: By) -> None:
    session.add(aftersale)
    history.note(session, order, f"aftersale_{decision}", aftersale)
    event = AftersaleDecided(
        aftersale_id=aftersale.id,
        order_id=aftersale.order_id,
        brand_id=aftersale.brand_id,
        decision=decision,
        by=by,
        reason=aftersale.refusal_reason if decision == "refused" else None,
        return_address=aftersale.return_address,
        refund_id=aftersale.refund_id,
        decided_at=utcnow(),
    )
    emit(session, event, aftersale.order_id)
