from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from server.kernel.principal import Role


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)] = "api token"
    brand_id: str | None = None
    partner_id: str | None = None

    @model_validator(mode="after")
    def _binding_matches_role(self) -> TokenCreate:
        if self.role is Role.BRAND and not self.brand_id:
            raise ValueError("a brand token needs brand_id")
        if self.role is Role.PARTNER and not self.partner_id:
            raise ValueError("a partner token needs partner_id")
        if self.role is not Role.BRAND and self.brand_id:
            raise ValueError("brand_id is only for role 'brand'")
        if self.role is not Role.PARTNER and self.partner_id:
            raise ValueError("partner_id is only for role 'partner'")
        return self


class TokenPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    role: Role
    brand_id: str | None
    partner_id: str | None
    token_hint: str
    created_at: datetime
    revoked_at: datetime | None


class TokenIssued(TokenPublic):
    token: str
    note: str = "Store this token now: it is shown once and only its hash is kept."


class WhoAmI(BaseModel):
    role: Role
    token_id: str
    brand_id: str | None
    partner_id: str | None
