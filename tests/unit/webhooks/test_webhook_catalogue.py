"""The one table from outbox topics to webhook events: every route names a real contract, a
documented webhook event and a field of that contract to order by."""

from __future__ import annotations

import pytest

from server.kernel.contracts import contract_for
from server.webhooks.catalogue import EVENT_NAMES, ROUTES, session_state


@pytest.mark.parametrize("topic", sorted(ROUTES))
def test_a_route_names_a_contract_field_to_order_by(topic):
    assert ROUTES[topic].order_key in contract_for(topic).model_fields


def test_every_routed_name_is_one_a_brand_may_choose():
    names = {r.name for r in ROUTES.values() if isinstance(r.name, str)} | {"session.live", "session.ended"}
    assert names <= set(EVENT_NAMES)


@pytest.mark.parametrize(
    ("state", "name"), [("live", "session.live"), ("ended", "session.ended"), ("scheduled", None), ("cancelled", None)]
)
def test_a_session_is_heard_only_going_live_and_ending(state, name):
    assert session_state({"state": state}) == name


def test_every_event_a_brand_may_choose_is_sent():
    routed = {r.name for r in ROUTES.values() if isinstance(r.name, str)} | {"session.live", "session.ended"}
    assert routed == set(EVENT_NAMES)
