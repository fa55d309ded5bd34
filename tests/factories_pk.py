"""Factories for the PK competition tests: a brand with approved partners, competition bodies,
and paid / refunded orders delivered through the outbox (the checkout contract)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlmodel import func, select

from commission.models import JournalTransaction, LedgerEntry
from distribution.competitions.models import Competition, CompetitionMember, CompetitionResult
from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_token
from tests.factories_commission import emit_events, make_partner, order_paid_payload, order_refunded_payload


@dataclass
class PkWorld:
    admin: str
    brand: dict[str, Any]
    brand_token: str
    partners: list[str]
    partner_tokens: list[str] = field(default_factory=list)

    @property
    def brand_id(self) -> str:
        return str(self.brand["id"])


async def pk_world(app: Any, client: Any, partners: int = 3, **partner_fields: Any) -> PkWorld:
    admin = await make_token(app, "admin")
    brand = await make_brand(client, admin)
    ids = [await make_partner(app, brand_id=brand["id"], **partner_fields) for _ in range(partners)]
    tokens = [await make_token(app, "partner", partner_id=p) for p in ids]
    return PkWorld(admin, brand, await make_token(app, "brand", brand_id=brand["id"]), ids, tokens)


def competition_body(partners: list[str] | None = None, **overrides: Any) -> dict[str, Any]:
    now = utcnow()
    body: dict[str, Any] = {
        "name": "Double 11 PK",
        "scope": {
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(hours=1)).isoformat(),
        },
        "metric": "gmv",
        "currency": "CNY",
        "entrants": {"partners": partners or []},
        "prize_tiers": [
            {"rank_from": 1, "rank_to": 1, "kind": "bonus_bps", "amount": "300"},
            {"rank_from": 2, "rank_to": 10, "kind": "fixed", "amount": "500"},
        ],
    }
    body.update(overrides)
    return body


async def create_competition(client: Any, world: PkWorld, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/brands/{world.brand_id}/competitions", json=body, headers=auth(world.brand_token)
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def pay(app: Any, world: PkWorld, partner_id: str, amount_minor: int, **fields: Any) -> dict[str, Any]:
    order = order_paid_payload(world.brand_id, [("sku_pk", amount_minor)], partner_id=partner_id, **fields)
    await emit_events(app, ("OrderPaid", order))
    return order


async def refund(app: Any, order: dict[str, Any], amount_minor: int, total_minor: int) -> dict[str, Any]:
    payload = order_refunded_payload(order, amount_minor, total_minor)
    await emit_events(app, ("OrderRefunded", payload))
    return payload


async def board(client: Any, token: str, competition_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/competitions/{competition_id}/leaderboard", headers=auth(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def scores(leaderboard: dict[str, Any]) -> list[tuple[str, int]]:
    return [(row["entrant_key"], row["score"]) for row in leaderboard["rows"]]


async def close(client: Any, world: PkWorld, competition_id: str) -> Any:
    return await client.post(
        f"/api/v1/brands/{world.brand_id}/competitions/{competition_id}/close", headers=auth(world.brand_token)
    )


async def pk_row_counts(app: Any) -> tuple[int, int, int]:
    async with app.state.sessionmaker() as session:
        counts = []
        for model in (Competition, CompetitionMember, CompetitionResult):
            counts.append((await session.exec(select(func.count()).select_from(model))).one())
        return counts[0], counts[1], counts[2]


async def transactions(app: Any, reason: str) -> list[JournalTransaction]:
    async with app.state.sessionmaker() as session:
        stmt = select(JournalTransaction).where(JournalTransaction.reason == reason)
        return list((await session.exec(stmt)).all())


async def entries_sum_zero(app: Any) -> bool:
    async with app.state.sessionmaker() as session:
        rows = (
            await session.exec(
                select(
                    LedgerEntry.transaction_id,
                    LedgerEntry.currency,  # type: ignore[call-overload]
                    func.sum(LedgerEntry.amount_minor),
                ).group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
            )
        ).all()
    return all(int(total) == 0 for _, _, total in rows)
