"""A brand's notifier settings: its webhook URL and signing secret, or none (the log default).
The secret is generated here and shown once, in the response that creates or rotates it."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from broadcast.models import Brand
from broadcast.reminders.models import BrandNotifier
from broadcast.reminders.schemas import NotifierPublic, NotifierSet
from server.kernel.clock import utcnow
from server.kernel.egress import EgressPolicy, EgressRefused
from server.kernel.ids import new_id
from server.kernel.principal import Principal
from server.kernel.problems import InvalidInput, NotFound

SECRET_PREFIX = "zxwhsec_"


def check_url(url: str, production: bool, egress: EgressPolicy) -> str:
    """https anywhere; http only outside production or to a host the operator allow-listed (a
    local relay). Never inside (loopback, private, metadata…) unless the allow-list says so."""
    rule = "https://" if production else "http:// or https://"
    bad = InvalidInput(
        f"url must be an absolute {rule} URL without credentials",
        extra={"errors": [{"field": "url", "message": f"needs {rule} and a host"}]},
    )
    try:  # "http://[::1/x" or a port past 65535 is a ValueError, not a URL
        parts = urlsplit(url.strip())
        host, _ = parts.hostname or "", parts.port
    except ValueError:
        raise bad from None
    secure = parts.scheme == "https" or (parts.scheme == "http" and (not production or egress.names_host(host)))
    if not host or not secure or parts.username or parts.password:
        raise bad
    try:
        egress.check_host(host)
    except EgressRefused as exc:
        raise InvalidInput(
            f"url must not point inside the network: {exc}",
            extra={"errors": [{"field": "url", "message": str(exc)}]},
        ) from None
    return url.strip()


def hint(secret: str) -> str:
    return f"{secret[: len(SECRET_PREFIX) + 2]}…{secret[-4:]}"


def public(brand_id: str, row: BrandNotifier | None, shown_secret: str | None = None) -> NotifierPublic:
    if row is None:
        return NotifierPublic(brand_id=brand_id, kind="log")
    return NotifierPublic(
        brand_id=brand_id, kind="webhook", url=row.url, secret_hint=hint(row.secret), secret=shown_secret
    )


class BrandNotifierService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, principal: Principal, brand_id: str) -> NotifierPublic:
        return public(brand_id, await self._find(principal, brand_id))

    async def put(
        self, principal: Principal, brand_id: str, data: NotifierSet, production: bool, egress: EgressPolicy
    ) -> tuple[NotifierPublic, bool]:
        """(the settings, whether they were created). The secret shows only when it is new."""
        row = await self._find(principal, brand_id)
        url = check_url(data.url, production, egress)
        created, shown = row is None, None
        if row is None:
            row = BrandNotifier(id=new_id("ntr"), brand_id=brand_id, url=url, secret="")
        if created or data.rotate_secret:
            shown = row.secret = SECRET_PREFIX + secrets.token_hex(24)
            row.rotated_at = None if created else utcnow()
        row.url = url
        self.session.add(row)
        await self.session.commit()
        return public(brand_id, row, shown), created

    async def delete(self, principal: Principal, brand_id: str) -> None:
        row = await self._find(principal, brand_id)
        if row is not None:
            await self.session.delete(row)
            await self.session.commit()

    async def _find(self, principal: Principal, brand_id: str) -> BrandNotifier | None:
        principal.ensure_brand(brand_id)
        if await self.session.get(Brand, brand_id) is None:
            raise NotFound.of("brand", brand_id)
        stmt = select(BrandNotifier).where(BrandNotifier.brand_id == brand_id)
        return (await self.session.exec(stmt)).first()
