"""Every outbox event has a typed contract: emitters cannot write a payload that breaks it, the
consumers' topics all have one, and docs/events.md is what the contracts say."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from litestar.datastructures import State
from pydantic import ValidationError

from server.app import event_handlers
from server.kernel.contracts import CONTRACTS, ContractError, OrderRefunded, SkuPinned, checked_payload, contract_for
from server.kernel.contracts.docs import DOC, render

AT = datetime(2026, 11, 28, 7, 0, tzinfo=UTC)


def test_every_consumed_topic_has_a_contract():
    assert set(event_handlers(State())) <= set(CONTRACTS)


def test_the_events_document_is_generated_from_the_contracts():
    assert DOC.read_text() == render(), "run `python -m server.kernel.contracts` to rewrite docs/events.md"


def test_a_payload_missing_a_field_or_carrying_an_unknown_one_is_refused():
    with pytest.raises(ValidationError, match="at"):
        SkuPinned.model_validate({"session_id": "ses_1", "brand_id": "brd_1", "sku_id": None})
    with pytest.raises(ValidationError, match="colour"):
        SkuPinned(session_id="ses_1", brand_id="brd_1", sku_id=None, at=AT, colour="red")  # type: ignore[call-arg]


def test_an_event_emitted_under_another_topic_or_an_unknown_topic_is_refused():
    pinned = SkuPinned(session_id="ses_1", brand_id="brd_1", sku_id="sku_1", at=AT)
    with pytest.raises(ContractError, match="SkuPinned emitted under topic 'OrderPaid'"):
        checked_payload("OrderPaid", pinned)
    with pytest.raises(ContractError, match="no contract"):
        contract_for("NoSuchThing")


def test_times_are_written_as_isoformat_in_utc_and_read_back():
    refunded = OrderRefunded(
        order_id="ord_1",
        refund_id="re_1",
        brand_id="brd_1",
        session_id="ses_1",
        currency="CNY",
        amount_minor=100,
        refunded_total_minor=100,
        order_amount_minor=300,
        refunded_at=AT,
    )
    payload = checked_payload("OrderRefunded", refunded)
    assert payload["refunded_at"] == AT.isoformat() == "2026-11-28T07:00:00+00:00"
    assert OrderRefunded.read(payload) == refunded


def test_a_stored_payload_of_an_unknown_version_is_refused_with_the_reason():
    payload = SkuPinned(session_id="ses_1", brand_id="brd_1", sku_id=None, at=AT).payload()
    with pytest.raises(ContractError, match="no upcast from version 7"):
        SkuPinned.read(payload, version=7)
    with pytest.raises(ContractError, match="SkuPinned v1: at: Field required"):
        SkuPinned.read({k: v for k, v in payload.items() if k != "at"})
