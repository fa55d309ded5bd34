"""Pure rules of reminders: contacts per channel, the webhook signature, outcome per status,
the retry schedule."""

from __future__ import annotations

import json

import pytest

from broadcast.reminders.contacts import mask, normalise
from broadcast.reminders.delivery import retry_delay_s
from broadcast.reminders.models import ReminderChannel
from broadcast.reminders.notifiers import Outcome, sign, verify_signature
from broadcast.reminders.notifiers.webhook import classify
from server.kernel.problems import InvalidInput

BODY = json.dumps({"notification_id": "ntf_1", "address": "fan@example.com"})


@pytest.mark.parametrize(
    ("channel", "given", "stored"),
    [
        (ReminderChannel.EMAIL, " Fan@Example.COM ", "fan@example.com"),
        (ReminderChannel.SMS, "+86 138-0013-8000", "+8613800138000"),
        (ReminderChannel.SMS, "+1 (415) 555-0100", "+14155550100"),
        (ReminderChannel.WECHAT, "wxid_abc123", "wxid_abc123"),
        (ReminderChannel.APP, "push:token/123", "push:token/123"),
    ],
)
def test_good_contacts_are_normalised(channel, given, stored):
    assert normalise(channel, given) == stored


@pytest.mark.parametrize(
    ("channel", "given"),
    [
        (ReminderChannel.EMAIL, "fan@localhost"),
        (ReminderChannel.EMAIL, "two@@example.com"),
        (ReminderChannel.SMS, "13800138000"),
        (ReminderChannel.SMS, "+1234"),
        (ReminderChannel.SMS, "+86138001380001234"),
        (ReminderChannel.WECHAT, "ab"),
        (ReminderChannel.WECHAT, "has space!"),
        (ReminderChannel.APP, "x" * 201),
    ],
)
def test_bad_contacts_name_what_the_channel_expects(channel, given):
    with pytest.raises(InvalidInput):
        normalise(channel, given)


def test_masking_keeps_just_enough():
    assert mask("email", "fan@example.com") == "f***@example.com"
    assert mask("sms", "+8613800138000") == "+86***00"
    assert mask("app", "abc") == "***" and mask("app", None) is None


def test_a_signature_verifies_only_with_the_secret_the_body_and_a_fresh_time():
    header = sign("s3cret", BODY, 1_700_000_000)
    assert verify_signature("s3cret", header, BODY, now=1_700_000_100)
    assert verify_signature("s3cret", header, BODY.encode(), now=1_700_000_100)
    assert not verify_signature("other", header, BODY, now=1_700_000_100)
    assert not verify_signature("s3cret", header, BODY.replace("fan", "fen"), now=1_700_000_100)
    assert not verify_signature("s3cret", header, BODY, now=1_700_000_301)  # older than the tolerance
    assert verify_signature("s3cret", header, BODY, tolerance_s=600, now=1_700_000_500)
    for broken in ("", "t=abc,v1=00", "v1=" + header.split("v1=")[1], header.split(",")[0]):
        assert not verify_signature("s3cret", broken, BODY, now=1_700_000_000)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.SENT),
        (204, Outcome.SENT),
        (400, Outcome.PERMANENT),
        (404, Outcome.PERMANENT),
        (410, Outcome.PERMANENT),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (503, Outcome.RETRY),
        (302, Outcome.RETRY),
    ],
)
def test_status_decides_the_outcome(status, outcome):
    assert classify(status) is outcome


def test_retries_back_off_exponentially_capped_with_bounded_jitter():
    assert [retry_delay_s(n, 30, 3600, jitter=0) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay_s(20, 30, 3600, jitter=0) == 3600
    assert retry_delay_s(1, 30, 3600, jitter=1) == 37.5
    assert all(30 <= retry_delay_s(1, 30, 3600) <= 37.5 for _ in range(50))
