"""The share poster: a PNG with the 「广告」 label drawn in the bundled CJK font (which has real
glyphs for it, not the empty box of a missing character), the QR code decoding to the link, and
the cover when there is one."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageDraw

from distribution.sharing.poster import LABEL_BOX, LABEL_TEXT, PosterFacts, font, label_image, render, wrap

zxingcpp = pytest.importorskip("zxingcpp")
URL = "http://127.0.0.1:8000/l/AbCdEfGhIjK"


def facts(**extra):
    return PosterFacts(
        url=URL, title="春季上新 · 直播专场", partner_name="校园好物", share_code="ZX-K7P2-9QXM", **extra
    )


def glyph(text: str) -> bytes:
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((40, 40), text, font=font(48), fill=255, anchor="mm")
    return image.tobytes()


def test_the_font_has_real_glyphs_for_the_label():
    missing = glyph("\ue000")  # a private-use code point: no font has it, so it draws the .notdef box
    for char in LABEL_TEXT:
        assert glyph(char) != missing and any(glyph(char)), char
    assert glyph("广") != glyph("告")


def test_poster_is_a_png_with_the_label_and_a_qr_code_that_opens_the_link():
    data = render(facts(sku_title="明前龙井 250g", price="99.00 CNY"))
    poster = Image.open(io.BytesIO(data))
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and poster.format == "PNG"
    assert poster.info.get("Label") == "广告"
    assert ImageChops.difference(poster.convert("RGB").crop(LABEL_BOX), label_image()).getbbox() is None
    assert [r.text for r in zxingcpp.read_barcodes(poster)] == [URL]


def test_a_cover_is_drawn_and_a_broken_one_is_left_out():
    cover = io.BytesIO()
    Image.new("RGB", (1200, 800), (10, 120, 200)).save(cover, format="JPEG")
    with_cover = Image.open(io.BytesIO(render(facts(cover=cover.getvalue())))).convert("RGB")
    assert with_cover.getpixel((720, 520))[2] > 150  # the blue cover, cropped to fill the top
    broken = Image.open(io.BytesIO(render(facts(cover=b"not an image")))).convert("RGB")
    assert broken.getpixel((720, 520)) == (255, 77, 109)  # the plain band instead


def test_long_titles_wrap_and_end_in_an_ellipsis():
    lines = wrap("很长的标题" * 30, 44, 600, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(font(44).getlength(line) <= 600 + 44 for line in lines)


def test_latin_words_are_not_cut_in_two():
    lines = wrap("春季上新 Spring tea live from Hangzhou", 44, 420, 3)
    assert all(not line.endswith(("Sprin", "Hangz")) for line in lines)
    assert " ".join(lines).replace("  ", " ").split() == ["春季上新", "Spring", "tea", "live", "from", "Hangzhou"]
