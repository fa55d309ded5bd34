"""Page: the finance desk (`/finance`). A shell its script fills through the finance API (cookie
auth): partner balances by name with clawbacks explained, the settlement preview → confirm →
background job (followed until it ends, and found again after a reload), payouts with their
transfers, the reconciliation with each mismatch explained, commission per day as charts, and a
CSV link for every table. Finance and admin tokens only."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template

from server.kernel.principal import Role
from server.kernel.routing import roles

FINANCE = roles(Role.ADMIN, Role.FINANCE)


@get("/finance", include_in_schema=False, opt=FINANCE)
async def finance_page() -> Template:
    return Template("finance.html", context={"disputes_api": "/api/v1/finance/disputes"})


ROUTE_HANDLERS: list[Any] = [finance_page]
