"""Brand refunds, full or partial. Three steps, because Stripe is called between two commits:

1. under the order's row lock, check the amount against what is left (paid − refunded − refunds
   still in flight) and write the refund as `pending` — so two concurrent refunds cannot together
   exceed the order, whatever the provider accepts (localstripe accepts over-refunds);
2. ask Stripe, with an idempotency key derived from our refund id;
3. apply Stripe's answer (`stripe_refunds`, the path Stripe's refund webhooks take too, so the
   refund is credited once whichever arrives first): the order's refunded amount grows by the
   amount Stripe refunded, its state follows, and `OrderRefunded` is emitted in the same transaction.
A crash between 2 and 3 leaves a `pending` refund; repeating the request with the same
`Idempotency-Key` finishes it (Stripe answers the same refund for the same key)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.checkout.closing import lock_order
from broadcast.checkout.gateway import DISABLED, PaymentGateway, PaymentProviderError, RefundResult
from broadcast.checkout.models import Order, OrderState, Refund, RefundState
from broadcast.checkout.schemas import RefundPublic
from broadcast.checkout.stripe_refunds import StripeRefund, apply_stripe_refund
from server.kernel.clock import utcnow
from server.kernel.ids import new_id
from server.kernel.principal import Principal
from server.kernel.problems import IllegalTransition, InvalidInput, NotFound, ServiceUnavailable

REFUNDABLE = (OrderState.PAID, OrderState.PARTIALLY_REFUNDED)


class RefundTooLarge(InvalidInput):
    slug, title = "refund-exceeds-remaining", "The refund is larger than what is left to refund"


class RefundService:
    def __init__(self, session: AsyncSession, gateway: PaymentGateway | None) -> None:
        self.session = session
        self.gateway = gateway

    async def request(
        self, principal: Principal, order_id: str, amount_minor: int | None, key: str, reason: str | None
    ) -> Refund:
        order = await self.session.get(Order, order_id)
        if order is None:
            raise NotFound.of("order", order_id)
        principal.ensure_brand(order.brand_id, "order", order_id)
        return await self.refund(order_id, amount_minor, key, reason, principal.token_id)

    async def refund(
        self, order_id: str, amount_minor: int | None, key: str, reason: str | None, requested_by: str | None
    ) -> Refund:
        if self.gateway is None:
            raise ServiceUnavailable(DISABLED)
        refund = await self._by_key(order_id, key)
        if refund is None:
            refund = await self._hold(order_id, amount_minor, key, reason, requested_by)
        if refund.state != RefundState.PENDING:
            return refund
        order = await self.session.get(Order, order_id)
        assert order is not None and order.payment_intent_id is not None
        try:
            result = await self.gateway.refund(
                order.payment_intent_id,
                refund.amount_minor,
                f"refund-{refund.id}",
                {"order_id": order_id, "refund_id": refund.id},
            )
        except PaymentProviderError as exc:
            await self._fail(refund.id, str(exc.detail))
            raise
        return await self.apply(refund.id, result)

    async def _hold(
        self, order_id: str, amount_minor: int | None, key: str, reason: str | None, requested_by: str | None
    ) -> Refund:
        order = await lock_order(self.session, order_id)
        assert order is not None
        if order.state not in REFUNDABLE:
            raise IllegalTransition(f"a {order.state} order cannot be refunded")
        remaining = order.amount_minor - order.refunded_minor - await self._in_flight(order_id)
        amount = remaining if amount_minor is None else amount_minor
        if amount <= 0 or amount > remaining:
            raise RefundTooLarge(
                f"at most {remaining} ({order.currency} minor units) is left to refund",
                extra={
                    "remaining_minor": remaining,
                    "currency": order.currency,
                    "errors": [{"field": "amount_minor", "message": f"at most {remaining}"}],
                },
            )
        refund = Refund(
            id=new_id("rfd"),
            order_id=order_id,
            idempotency_key=key,
            amount_minor=amount,
            currency=order.currency,
            reason=reason,
            requested_by=requested_by,
            created_at=utcnow(),
        )
        self.session.add(refund)
        await self.session.commit()
        return refund

    async def apply(self, refund_id: str, result: RefundResult) -> Refund:
        """Stripe's answer, applied as its webhook would be (`stripe_refunds`): whichever of the two
        comes first credits the refund, the other finds it done."""
        refund = await self.session.get(Refund, refund_id)
        assert refund is not None
        order = await self.session.get(Order, refund.order_id)
        facts = StripeRefund(
            id=result.id,
            status=result.status,
            amount_minor=result.amount_minor,
            currency=result.currency.upper(),
            payment_intent_id=order.payment_intent_id if order else None,
            order_id=refund.order_id,
            refund_id=refund.id,
        )
        await apply_stripe_refund(self.session, facts)
        await self.session.commit()
        await self.session.refresh(refund)
        return refund

    async def _fail(self, refund_id: str, why: str) -> None:
        await self.session.rollback()
        refund = await self.session.get(Refund, refund_id)
        if refund is not None and refund.state == RefundState.PENDING:
            refund.state, refund.failure, refund.completed_at = RefundState.FAILED, why[:300], utcnow()
            self.session.add(refund)
            await self.session.commit()

    async def _in_flight(self, order_id: str) -> int:
        stmt = sa.select(sa.func.coalesce(sa.func.sum(col(Refund.amount_minor)), 0)).where(
            col(Refund.order_id) == order_id, col(Refund.state) == RefundState.PENDING
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def _by_key(self, order_id: str, key: str) -> Refund | None:
        stmt = select(Refund).where(Refund.order_id == order_id, Refund.idempotency_key == key)
        return (await self.session.exec(stmt)).first()

    async def list(self, principal: Principal, order_id: str) -> list[Refund]:
        order = await self.session.get(Order, order_id)
        if order is None:
            raise NotFound.of("order", order_id)
        principal.ensure_brand(order.brand_id, "order", order_id)
        stmt = select(Refund).where(Refund.order_id == order_id).order_by(Refund.id)
        return list((await self.session.exec(stmt)).all())

    async def public(self, refund: Refund) -> RefundPublic:
        order = await self.session.get(Order, refund.order_id, populate_existing=True)
        assert order is not None
        return RefundPublic(
            id=refund.id,
            order_id=refund.order_id,
            state=refund.state,
            amount_minor=refund.amount_minor,
            currency=refund.currency,
            reason=refund.reason,
            stripe_refund_id=refund.stripe_refund_id,
            created_at=refund.created_at,
            completed_at=refund.completed_at,
            order_refunded_minor=order.refunded_minor,
            order_state=order.state,
        )
