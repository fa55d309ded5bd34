"""Partner payout onboarding (a Stripe Connect account and an account link) and payout settings."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from commission import ledger
from commission.connect import ConnectGateway
from commission.models import PartnerPayoutAccount
from commission.schemas import PayoutAccountPublic, PayoutSettingsUpdate
from distribution.models import Partner
from server.kernel.clock import utcnow
from server.kernel.problems import InvalidInput, NotFound


class PayoutAccountService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, partner_id: str) -> PayoutAccountPublic:
        account = await self._account(partner_id)
        return PayoutAccountPublic(partner_id=partner_id, stripe_account_id=account.stripe_account_id,
                                   minimum_payout_minor=account.minimum_payout_minor)

    async def onboard(self, partner_id: str, gateway: ConnectGateway, base_url: str) -> PayoutAccountPublic:
        """Create the connected account once, then a fresh onboarding link each time."""
        partner = await self.session.get(Partner, partner_id)
        account = await self._account(partner_id)
        if not account.stripe_account_id:
            account.stripe_account_id = await gateway.create_account(partner_id, partner.payout_country if partner
                                                                     else None, None)
            account.updated_at = utcnow()
            self.session.add(account)
            await self.session.commit()
        url, expires_at = await gateway.account_link(account.stripe_account_id, f"{base_url}/partner?payout=refresh",
                                                     f"{base_url}/partner?payout=done")
        public = await self.get(partner_id)
        return public.model_copy(update={"onboarding_url": url, "onboarding_expires_at": expires_at})

    async def update_settings(self, partner_id: str, data: PayoutSettingsUpdate) -> PayoutAccountPublic:
        account = await self._account(partner_id)
        if data.currency is not None:
            found = await ledger.balances(self.session, owner_type="partner", owner_ids=[partner_id])
            currencies = {k.currency for k in found}
            if currencies and data.currency not in currencies:
                raise InvalidInput(f"currency mismatch: partner {partner_id} earns in {', '.join(sorted(currencies))}, "
                                   f"not {data.currency}",
                                   extra={"errors": [{"field": "currency", "message": "currency mismatch"}]})
        account.minimum_payout_minor, account.updated_at = data.minimum_payout_minor, utcnow()
        self.session.add(account)
        await self.session.commit()
        return await self.get(partner_id)

    async def _account(self, partner_id: str) -> PartnerPayoutAccount:
        if await self.session.get(Partner, partner_id) is None:
            raise NotFound.of("partner", partner_id)
        return await self.session.get(PartnerPayoutAccount, partner_id) or PartnerPayoutAccount(partner_id=partner_id)
