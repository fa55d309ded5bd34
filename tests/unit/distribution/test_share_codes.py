"""The share code (口令): made from an unambiguous alphabet, shown as ZX-ABCD-EFGH, and found in
whatever text a person pastes around it."""

from __future__ import annotations

import pytest

from distribution.sharing.codes import ALPHABET, display, find_code, is_share_code, new_share_code, share_message


def test_new_codes_use_only_the_unambiguous_alphabet():
    codes = {new_share_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)


@pytest.mark.parametrize(
    "pasted",
    [
        "【ZX-K7P2-9QXM】今晚8点直播 · 复制这段口令，打开 zhixiang.example/s 粘贴即可进入",
        "zx-k7p2-9qxm",
        "ZXK7P29QXM",
        "ZX K7P2 9QXM please",
        "  K7P29QXM  ",
    ],
)
def test_the_code_is_found_in_what_was_pasted(pasted):
    assert find_code(pasted) == "K7P29QXM"


@pytest.mark.parametrize("pasted", ["", "hello", "ZX-K7P2-9QX", "ZX-K7P0-9QXM", "AZX-K7P2-9QXMB", "K7P29QX"])
def test_text_without_a_valid_code_finds_nothing(pasted):
    assert find_code(pasted) is None


def test_the_message_carries_the_displayed_code_and_no_scheme():
    message = share_message("K7P29QXM", "春季上新", "https://zhixiang.example")
    assert display("K7P29QXM") == "ZX-K7P2-9QXM" and "ZX-K7P2-9QXM" in message
    assert "https://" not in message and "zhixiang.example/s" in message
    assert find_code(message) == "K7P29QXM" and is_share_code("K7P29QXM")
