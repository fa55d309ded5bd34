"""The share code (口令): eight characters a person can paste into the site when an app (a chat,
a short-video app) strips or blocks URLs. Shown as `ZX-ABCD-EFGH` inside a short message; the site
finds the code in whatever text was pasted around it.

The alphabet leaves out 0/O and 1/I/L, so a code read aloud or typed from a screenshot is not
mistaken; 31⁸ ≈ 8.5 × 10¹¹ codes, so guessing one finds, at most, a partner's public link."""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8
PREFIX = "ZX"
# ZX, then the eight characters with or without a dash or space after the fourth; any case.
_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])ZX[-\s]?([A-Za-z0-9]{4})[-\s]?([A-Za-z0-9]{4})(?![A-Za-z0-9])", re.IGNORECASE)
_BARE = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")
MAX_PASTE = 2000  # a pasted message longer than this is not a share message


def new_share_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """`ABCDEFGH` → `ZX-ABCD-EFGH`, the form people see and paste."""
    return f"{PREFIX}-{code[:4]}-{code[4:]}"


def is_share_code(code: str) -> bool:
    return bool(_BARE.match(code))


def find_code(text: str) -> str | None:
    """The share code in pasted text (`…【ZX-ABCD-EFGH】…`), upper-cased; None when there is none.
    A bare eight-character code counts too (typed by hand)."""
    text = text[:MAX_PASTE]
    match = _IN_TEXT.search(text)
    if match:
        code = (match.group(1) + match.group(2)).upper()
        return code if is_share_code(code) else None
    bare = text.strip().upper()
    return bare if is_share_code(bare) else None


def share_message(code: str, title: str, base_url: str) -> str:
    """The text a partner posts: the code, what it opens, and where to paste it (no link needed)."""
    site = base_url.split("://", 1)[-1].rstrip("/")
    return f"【{display(code)}】{title} · 复制这段口令，打开 {site}/s 粘贴即可进入 · Paste this code at {site}/s"
