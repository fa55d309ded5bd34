"""Pure rules of group-buy: the share path, which refs are kept, offer bounds, room payloads."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from broadcast.groupbuy.models import Group
from broadcast.groupbuy.schemas import GroupOfferCreate
from broadcast.groupbuy.views import clean_ref, room_payload, share_path

AT = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def group(ref: str | None) -> Group:
    return Group(
        id="grp_1",
        code="AbC-12_xyz09",
        offer_id="gbo_1",
        session_id="ses_1",
        brand_id="brd_1",
        group_size=3,
        seats_taken=2,
        ref=ref,
        opener_visitor_id="v1",
        expires_at=AT,
    )


def test_share_path_goes_through_the_openers_link_when_there_is_one():
    assert share_path(group("LINK1234")) == "/l/LINK1234?group=AbC-12_xyz09"
    assert share_path(group(None)) == "/live/ses_1?group=AbC-12_xyz09"


@pytest.mark.parametrize("ref", [None, "", "short", "x" * 25, "has space1", "<script>", "a/b/c/d/e"])
def test_refs_that_are_not_link_codes_are_dropped(ref):
    assert clean_ref(ref) is None


def test_link_codes_are_kept():
    assert clean_ref("Abc_12-xyz") == "Abc_12-xyz"


@pytest.mark.parametrize(
    "change",
    [
        {"group_size": 1},
        {"group_size": 51},
        {"window_minutes": 0},
        {"window_minutes": 1441},
        {"group_price_minor": 0},
        {"currency": "usd"},
        {"extra": 1},
    ],
)
def test_offer_bounds(change):
    good = {"sku_id": "sku_1", "group_price_minor": 100, "group_size": 2, "window_minutes": 1}
    GroupOfferCreate(**good)
    with pytest.raises(ValidationError):
        GroupOfferCreate(**{**good, **change})


def test_room_payload_carries_absolute_values():
    body = room_payload(group("LINK1234"), paid=1)
    assert body == {
        "group_id": "grp_1",
        "code": "AbC-12_xyz09",
        "session_id": "ses_1",
        "offer_id": "gbo_1",
        "state": "open",
        "seats_taken": 2,
        "seats_paid": 1,
        "group_size": 3,
        "expires_at": AT.isoformat(),
    }
