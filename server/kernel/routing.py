"""Conventions every route follows: who may call it (declared, so a test can walk them all)."""

from __future__ import annotations

from typing import Any

from server.kernel.principal import Role

ALL_ROLES = (Role.ADMIN, Role.BRAND, Role.PARTNER, Role.FINANCE)


def roles(*allowed: Role) -> dict[str, Any]:
    """Route `opt` declaring the roles allowed; the auth guard enforces it (401 / 403)."""
    return {"roles": frozenset(allowed)}


PUBLIC: dict[str, Any] = {"public": True}
