"""The share link goes through the opener's partner link: a joiner who follows it is a click on
that link (302 to the live page with the group, signed zx_attr cookie), and their paid seat is
attributed to the opener's partner exactly as any order through the link would be."""

from __future__ import annotations

import pytest

from tests.database import outbox
from tests.factories_checkout import make_shop
from tests.factories_groupbuy import buyer, click, join_group, make_offer, open_group, partner_link, pay_seat


@pytest.fixture
def settings(pg_only_settings):
    """PostgreSQL only: attribution itself is tested on both databases by distribution."""
    return pg_only_settings


async def test_joiner_through_the_share_link_is_attributed_to_the_openers_partner(app, client, localstripe):
    # given a buyer who came through a partner's link and opened a group with its ref
    shop = await make_shop(app, client, stock=5)
    offer = await make_offer(client, shop, group_size=2)
    partner_id, code = await partner_link(app, client, shop)
    _, attr_a = await click(client, f"/l/{code}", "visitor-a-0002")
    seat_a = (await open_group(client, shop.session_id, offer["id"], buyer("visitor-a-0002", attr_a), ref=code)).json()
    group = seat_a["group"]
    assert group["share_path"] == f"/l/{code}?group={group['code']}"
    assert group["share_url"].endswith(group["share_path"])
    # when another viewer follows the share link
    location, attr_b = await click(client, group["share_path"], "visitor-b-0002")
    # then they land on the live page showing the group, with the partner's attribution cookie
    assert location == f"/live/{shop.session_id}?ref={code}&group={group['code']}"
    assert attr_b
    # and when they join and pay, their order is attributed to the opener's partner by last click
    b = buyer("visitor-b-0002", attr_b)
    seat_b = (await join_group(client, group["code"], b)).json()
    await pay_seat(client, localstripe, seat_b["order"], b)
    paid = {e["order_id"]: e["attribution"] for e in await outbox(app, "OrderPaid")}
    assert paid[seat_b["order"]["id"]]["partner_id"] == partner_id
    assert paid[seat_b["order"]["id"]]["rule"] == "last_click"
    # and a group code that is not code-shaped is not carried through
    odd, _ = await click(client, f"/l/{code}?group=%3Cscript%3E", "visitor-c-0002")
    assert odd == f"/live/{shop.session_id}?ref={code}"
