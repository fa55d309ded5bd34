"""The buyer's signed link: see consent, withdraw it, erase the profile. Erasure leaves the
commission ledger, the order's commission and reconciliation exactly as they were; a forged link
changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from distribution.buyers.models import BuyerProfile
from server.kernel.clock import utcnow
from tests.factories import auth, make_brand, make_token
from tests.factories_buyers import buyer_orders, consent_path, paid, profile_of
from tests.factories_commission import emit_events, make_partner

TODAY = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
LEDGER_TABLES = ("ledger_entries", "journal_transactions", "order_commissions", "ledger_account_totals")


async def ledger_rows(app: Any) -> dict[str, list[Any]]:
    async with app.state.sessionmaker() as session:
        return {
            t: [tuple(r) for r in (await session.execute(text(f"SELECT * FROM {t} ORDER BY 1"))).all()]
            for t in LEDGER_TABLES
        }


async def reconciliation(client: Any, finance: dict[str, str]) -> dict[str, Any]:
    """Finance's reconciliation over a fixed window, less the moment it was computed at."""
    window = {"since": (TODAY - timedelta(days=1)).isoformat(), "until": (TODAY + timedelta(days=1)).isoformat()}
    answer = await client.get("/api/v1/finance/reconciliation", params=window, headers=finance)
    assert answer.status_code == 200, answer.text
    return {k: v for k, v in answer.json().items() if k != "as_of"}


async def consenting_buyer(app: Any, client: Any) -> tuple[str, BuyerProfile]:
    brand = (await make_brand(client, await make_token(app, "admin")))["id"]
    partner = await make_partner(app, brand_id=brand, commission_bps=1000)
    await emit_events(app, ("OrderPaid", paid(brand, "erase.me@example.com", 5000, consent=True, partner_id=partner)))
    profile = await profile_of(app, brand, "erase.me@example.com")
    assert profile is not None and profile.marketing_consent and profile.partner_id == partner
    return brand, profile


async def test_the_link_shows_consent_and_withdrawing_stops_it_at_once(app, client):
    # given a buyer who ticked the box
    brand, profile = await consenting_buyer(app, client)
    path = await consent_path(app, profile)
    page = await client.get(path, params={"lang": "zh"})
    assert page.status_code == 200 and "撤回授权" in page.text
    # when the buyer withdraws from the link
    answer = await client.post(f"{path}/withdraw", follow_redirects=False)
    # then the profile says no at once, and the page says so in English too
    assert answer.status_code == 303
    assert (await profile_of(app, brand, "erase.me@example.com")).marketing_consent is False  # type: ignore[union-attr]
    page = await client.get(path, params={"lang": "en"})
    assert "will not send you offers" in page.text and 'id="withdraw"' not in page.text


async def test_erasure_removes_the_profile_and_leaves_the_ledger_and_reconciliation_untouched(app, client):
    # given a buyer whose paid order accrued a partner's commission
    brand, profile = await consenting_buyer(app, client)
    finance = auth(await make_token(app, "finance"))
    ledger_before = await ledger_rows(app)
    assert ledger_before["ledger_entries"], "the order accrued no commission: nothing would be tested"
    recon_before = await reconciliation(client, finance)
    # when the buyer asks for erasure from the link
    path = await consent_path(app, profile)
    answer = await client.post(f"{path}/erase", follow_redirects=False)
    assert answer.status_code == 303
    # then the profile is gone, its order's facts stay without a person, and the ledger is as it was
    assert await profile_of(app, brand, "erase.me@example.com") is None
    [order] = await buyer_orders(app, brand)
    assert order.profile_id is None and order.amount_minor == 5000
    assert await ledger_rows(app) == ledger_before
    assert await reconciliation(client, finance) == recon_before
    # and the link now leads nowhere
    page = await client.get(path)
    assert page.status_code == 404


async def test_a_replayed_order_does_not_bring_an_erased_buyer_back(app, client):
    brand, profile = await consenting_buyer(app, client)
    [order] = await buyer_orders(app, brand)
    await client.post(f"{await consent_path(app, profile)}/erase")
    # when the order's OrderPaid is delivered again
    again = paid(brand, "erase.me@example.com", 5000, consent=True)
    await emit_events(app, ("OrderPaid", {**again, "order_id": order.order_id}))
    # then there is still no profile
    assert await profile_of(app, brand, "erase.me@example.com") is None


async def test_a_forged_link_changes_nothing(app, client):
    brand, profile = await consenting_buyer(app, client)
    forged = (await consent_path(app, profile))[:-4] + "AAAA"
    assert (await client.get(forged)).status_code == 404
    await client.post(f"{forged}/withdraw")
    await client.post(f"{forged}/erase")
    still = await profile_of(app, brand, "erase.me@example.com")
    assert still is not None and still.marketing_consent is True
