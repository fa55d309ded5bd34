"""Who is calling: the role and the one tenant (brand or partner) a token is bound to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from server.kernel.problems import Forbidden, NotFound


class Role(StrEnum):
    ADMIN = "admin"
    BRAND = "brand"
    PARTNER = "partner"
    FINANCE = "finance"


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    token_id: str
    brand_id: str | None = None
    partner_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value!r} may not do this; it needs one of: {allowed}")

    def ensure_brand(self, brand_id: str, kind: str = "brand", ident: str | None = None) -> None:
        """Admins and finance see every brand; a brand token sees only its own (others are 404)."""
        if self.role in (Role.ADMIN, Role.FINANCE):
            return
        if self.role is Role.BRAND and self.brand_id == brand_id:
            return
        raise NotFound.of(kind, ident or brand_id)

    def ensure_partner(self, partner_id: str, kind: str = "partner", ident: str | None = None) -> None:
        if self.role in (Role.ADMIN, Role.FINANCE):
            return
        if self.role is Role.PARTNER and self.partner_id == partner_id:
            return
        raise NotFound.of(kind, ident or partner_id)


# The app's token check (server.auth.guard.authenticate), put in `app.state` by the composition root
# so a domain's websocket can ask who is calling without importing server.auth.
AUTHENTICATOR_STATE = "authenticate"


async def authenticate(connection: Any) -> Principal:
    """The principal behind the token a request or websocket presents; raises NotAuthenticated."""
    check = getattr(connection.app.state, AUTHENTICATOR_STATE)
    principal: Principal = await check(connection)
    return principal
