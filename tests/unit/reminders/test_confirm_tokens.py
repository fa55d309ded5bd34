"""Confirmation tokens (pure): made and checked with the same key and nonce; any other key, nonce,
expiry or a cut token is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from broadcast.reminders.confirm_tokens import make_token, parse, signed_over

KEY, SUB, NONCE = "k" * 32, "rms_01m8ghcxfet1f5x4veebfdfyk6", "n0nce-abc"
EXPIRES = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def test_a_token_checks_out_with_its_key_and_nonce():
    parsed = parse(make_token(KEY, SUB, NONCE, EXPIRES))
    assert parsed is not None and parsed.subscription_id == SUB and parsed.expires_at == EXPIRES
    assert signed_over(KEY, parsed, NONCE)


def test_another_key_nonce_or_expiry_is_refused():
    token = make_token(KEY, SUB, NONCE, EXPIRES)
    parsed = parse(token)
    assert parsed is not None
    assert not signed_over("x" * 32, parsed, NONCE)
    assert not signed_over(KEY, parsed, "another-nonce")
    sub, expires, mac = token.split(".")
    later = parse(f"{sub}.{int(expires) + 3600}.{mac}")
    assert later is not None and not signed_over(KEY, later, NONCE)


def test_garbage_is_not_a_token():
    assert [parse(t) for t in ("", "a.b", "a.b.c.d", f"{SUB}.soon.mac", f"{SUB}.{'9' * 30}.mac")] == [None] * 5
