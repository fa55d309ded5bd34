"""The outbound module's signature: one `v1` per live secret (a rotation's overlap), each verifiable
on its own; a stale `t`, another secret or a changed body fails."""

from __future__ import annotations

from server.kernel.signed_post import sign, sign_all, verify_signature

BODY = '{"id":"evt_1","type":"order.paid"}'
NOW = 1_800_000_000


def test_one_header_signed_with_both_secrets_verifies_with_either():
    header = sign_all(["new-secret", "old-secret"], BODY, NOW)
    assert header.count("v1=") == 2 and header.startswith(f"t={NOW},")
    assert verify_signature("new-secret", header, BODY, now=NOW)
    assert verify_signature("old-secret", header, BODY.encode(), now=NOW + 299)
    assert not verify_signature("third-secret", header, BODY, now=NOW)


def test_a_single_secret_signs_as_the_reminders_always_did():
    assert sign_all(["s"], BODY, NOW) == sign("s", BODY, NOW)


def test_stale_time_or_changed_body_fails():
    header = sign_all(["s"], BODY, NOW)
    assert not verify_signature("s", header, BODY, now=NOW + 301)
    assert not verify_signature("s", header, BODY.replace("paid", "refunded"), now=NOW)
    assert not verify_signature("s", "v1=abc", BODY, now=NOW)
