"""The draw rule, pure (no I/O) so the server and any sceptical viewer run the same code.

Rule `sha256-counter-v1`, exactly:

1. Each entrant's public handle is the first 16 hex characters of
   SHA-256(lottery_id + ":" + visitor_id) (UTF-8). Visitor ids are never published.
2. The entrant list is the handles sorted ascending (plain string order); its fingerprint,
   `entrants_sha256`, is SHA-256 of the handles joined with "\\n" (UTF-8, no trailing newline).
3. The seed is 32 random bytes; `seed_sha256` = SHA-256(seed) in hex is published when the draw
   opens, the seed (hex) when it closes.
4. For i = 0, 1, 2, ...: h = SHA-256(seed_bytes || lottery_id as UTF-8 || i as 8-byte big-endian),
   k = int(h, big-endian) mod (number of entrants remaining); the k-th remaining entrant (0-based,
   in sorted order) wins rank i + 1 and is removed. Stop when `winners` are picked or nobody is
   left (fewer entrants than winners: all win; no entrants: no winners).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

RULE = "sha256-counter-v1"
SEED_BYTES = 32
HANDLE_HEX = 16


def handle_of(lottery_id: str, visitor_id: str) -> str:
    return hashlib.sha256(f"{lottery_id}:{visitor_id}".encode()).hexdigest()[:HANDLE_HEX]


def seed_sha256(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def canonical(handles: list[str]) -> list[str]:
    return sorted(handles)


def entrants_sha256(handles: list[str]) -> str:
    return hashlib.sha256("\n".join(canonical(handles)).encode()).hexdigest()


def draw(seed: bytes, lottery_id: str, handles: list[str], winners: int) -> list[str]:
    """The winning handles in rank order (rank 1 first)."""
    remaining = canonical(handles)
    picked: list[str] = []
    counter = 0
    while len(picked) < winners and remaining:
        digest = hashlib.sha256(seed + lottery_id.encode() + counter.to_bytes(8, "big")).digest()
        picked.append(remaining.pop(int.from_bytes(digest, "big") % len(remaining)))
        counter += 1
    return picked


def verify(proof: Mapping[str, Any]) -> tuple[bool, str]:
    """Check a published proof (the /proof JSON): (passed, reason)."""
    seed_hex, handles = str(proof.get("seed") or ""), [str(h) for h in proof.get("entrants") or []]
    if proof.get("rule") != RULE:
        return False, f"unknown rule {proof.get('rule')!r} (this checker knows {RULE})"
    if not seed_hex:
        return False, "the seed is not revealed yet (the lottery is still open)"
    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        return False, "the seed is not hex"
    if seed_sha256(seed) != proof.get("seed_sha256"):
        return False, "SHA-256(seed) does not match the hash published at opening"
    if proof.get("entrants_sha256") and entrants_sha256(handles) != proof.get("entrants_sha256"):
        return False, "the entrant list does not match its published fingerprint"
    expected = draw(seed, str(proof["lottery_id"]), handles, int(proof["winners_count"]))
    if expected != list(proof.get("winners") or []):
        return False, f"recomputed winners {expected} differ from the published {proof.get('winners')}"
    return True, f"seed matches its hash; {len(expected)} winner(s) of {len(handles)} entrant(s) recomputed"
