"""The data the schema fuzz test (tests/integration/server/test_schema_fuzz.py) runs against, built
through the API like a user would: a live session selling a SKU, an order paid for at the Stripe
test server, a coupon, a group-buy offer with an open group, a lottery, a PK competition and a
commission rule; an approved partner with a link; a second brand and a second partner (so calls
that cross tenants are made); and a token per role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import auth, make_brand, make_token
from tests.factories_checkout import Shop, buy, make_shop
from tests.factories_coupons import make_coupon
from tests.factories_distribution import approve, make_link, make_partner
from tests.factories_groupbuy import buyer, make_offer, open_group
from tests.factories_lottery import open_lottery
from tests.factories_pk import competition_body

ROLES = ("admin", "brand", "partner", "finance", "other_brand", "other_partner")


@dataclass
class FuzzWorld:
    tokens: dict[str, str]  # one per ROLES
    ids: dict[str, str]  # a path parameter's name -> an id that exists (and belongs to "brand"/"partner")
    group_code: str  # `{code}` means a group under /api/v1/groups, a link's code under /l/

    def path_parameters(self, path: str, generated: dict[str, Any]) -> dict[str, Any]:
        """The generated parameters with every id this world has put in its place."""
        known = {**self.ids, "code": self.group_code if path.startswith("/api/v1/groups/") else self.ids["code"]}
        return {name: known.get(name, value) for name, value in generated.items()}


async def build_world(app: Litestar) -> FuzzWorld:
    async with AsyncTestClient(app=app) as client:
        shop = await make_shop(app, client)
        admin = await make_token(app, "admin")
        tokens = {"admin": admin, "brand": shop.token, "finance": await make_token(app, "finance")}
        ids = {"brand_id": shop.brand_id, "session_id": shop.session_id, "sku_id": shop.sku_id}
        ids.update(await _partner(app, client, shop, tokens))
        other = await make_partner(client, admin)  # applies to no brand: a tenant apart
        tokens["other_partner"] = await make_token(app, "partner", partner_id=other["id"])
        rival = await make_partner(client, admin)  # the partner's opponent in the PK
        await approve(
            client, await make_token(app, "partner", partner_id=rival["id"]), rival["id"], shop.token, shop.brand_id
        )
        ids.update(await _promotions(client, shop, [ids["partner_id"], rival["id"]]))
        ids["order_id"] = (await buy(client, shop))["order"]["id"]
        offer = ids["offer_id"]
        group = await open_group(client, shop.session_id, offer, buyer())
        assert group.status_code == 201, group.text
        tokens["other_brand"] = await make_token(app, "brand", brand_id=(await make_brand(client, admin))["id"])
        ids["token_id"] = (await client.get("/api/v1/admin/tokens", headers=auth(admin))).json()["items"][-1]["id"]
    return FuzzWorld(tokens, ids, group.json()["group"]["code"])


async def _partner(app: Litestar, client: Any, shop: Shop, tokens: dict[str, str]) -> dict[str, str]:
    partner = await make_partner(client, tokens["admin"])
    tokens["partner"] = await make_token(app, "partner", partner_id=partner["id"])
    ship = await approve(client, tokens["partner"], partner["id"], shop.token, shop.brand_id)
    link = await make_link(client, tokens["partner"], partner["id"], target="session", session_id=shop.session_id)
    return {"partner_id": partner["id"], "partnership_id": ship["id"], "link_id": link["id"], "code": link["code"]}


async def _promotions(client: Any, shop: Shop, entrants: list[str]) -> dict[str, str]:
    headers = auth(shop.token)
    coupon = await make_coupon(client, shop.token, shop.brand_id)
    offer = await make_offer(client, shop)
    lottery = await open_lottery(client, shop.token, shop.session_id)
    competition = await client.post(
        f"/api/v1/brands/{shop.brand_id}/competitions", json=competition_body(entrants), headers=headers
    )
    rule = await client.post(
        f"/api/v1/brands/{shop.brand_id}/commission-rules",
        json={"sku_id": shop.sku_id, "rate_bps": 500},
        headers=headers,
    )
    assert competition.status_code == rule.status_code == 201, (competition.text, rule.text)
    return {
        "coupon_id": coupon["id"],
        "offer_id": offer["id"],
        "lottery_id": lottery["id"],
        "competition_id": competition.json()["id"],
        "rule_id": rule.json()["id"],
    }
