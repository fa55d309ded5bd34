"""The share poster: one PNG a partner saves and posts into a group — the session's cover and
title, the SKU and its live price for a SKU link, the partner's name, the link's QR code, its share
code, and a visible 「广告」 label (China's advertising rules ask that an advert say it is one).

Rendered with Pillow in a font bundled with the package (Noto Sans SC, a subset: see
fonts/README.md), so the poster looks the same on a server with no CJK font installed. The label
sits in a fixed box (`LABEL_BOX`) and is drawn by `label_image()`, so a test can check it is there."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import segno
from PIL import Image, ImageDraw, ImageFont, ImageOps
from PIL.PngImagePlugin import PngInfo

FONT_PATH = Path(__file__).parent / "fonts" / "poster-sans-sc.otf"
WIDTH, HEIGHT = 750, 1334  # a phone screen's proportions: it fills the screen when opened in a chat
COVER_HEIGHT = 560
MARGIN = 48
LABEL_TEXT = "广告"
LABEL_BOX = (24, 24, 24 + 112, 24 + 60)  # left, top, right, bottom of the 「广告」 label, in pixels
LABEL_RED, INK, MUTED, PAPER = (214, 40, 57), (28, 28, 32), (110, 110, 120), (255, 255, 255)
QR_SIZE = 300
MAX_COVER_PIXELS = 40_000_000  # a larger image is refused before decoding (a decompression bomb)


@dataclass(frozen=True)
class PosterFacts:
    url: str  # what the QR code opens: the partner's tracked link
    title: str  # the session's title (or the brand's name when there is no session to show)
    partner_name: str
    share_code: str | None = None  # shown as ZX-ABCD-EFGH
    sku_title: str | None = None  # a SKU link: the product …
    price: str | None = None  # … and its live price, formatted with its currency
    cover: bytes | None = None  # the session's cover image as fetched (any format Pillow reads)


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), size)


def label_image() -> Image.Image:
    """The 「广告」 label exactly as the poster draws it (white on red)."""
    left, top, right, bottom = LABEL_BOX
    label = Image.new("RGB", (right - left, bottom - top), LABEL_RED)
    draw = ImageDraw.Draw(label)
    draw.text(((right - left) / 2, (bottom - top) / 2), LABEL_TEXT, font=font(36), fill=PAPER, anchor="mm")
    return label


def _cover(data: bytes | None) -> Image.Image | None:
    if not data:
        return None
    try:
        image = Image.open(io.BytesIO(data))
        if image.width * image.height > MAX_COVER_PIXELS:
            return None
        return ImageOps.fit(image.convert("RGB"), (WIDTH, COVER_HEIGHT))
    except Exception:  # a broken or unsupported image: the poster goes on without it
        return None


def _placeholder(title: str) -> Image.Image:
    """No cover: a plain band with the first characters of the title, so the poster is never blank."""
    band = Image.new("RGB", (WIDTH, COVER_HEIGHT), (255, 77, 109))
    draw = ImageDraw.Draw(band)
    draw.text((WIDTH / 2, COVER_HEIGHT / 2), title[:8], font=font(72), fill=PAPER, anchor="mm")
    return band


def _qr(url: str) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB").resize((QR_SIZE, QR_SIZE), Image.Resampling.NEAREST)


def wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    """Lines no wider than `width` pixels: broken between any two CJK characters (they have no
    spaces), and at the last space for Latin words; the last line ends in … when the text does not fit."""
    lines, line = [], ""
    for char in text:
        if font(size).getlength(line + char) <= width or not line:
            line += char
            continue
        head, space, tail = line.rpartition(" ")
        if space and char.isascii() and tail.isascii() and not char.isspace():  # keep a Latin word whole
            lines.append(head)
            line = tail + char
        else:
            lines.append(line)
            line = char.lstrip()
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def _text_block(draw: ImageDraw.ImageDraw, lines: list[str], size: int, top: int, fill: tuple[int, int, int]) -> int:
    for line in lines:
        draw.text((MARGIN, top), line, font=font(size), fill=fill)
        top += int(size * 1.4)
    return top


def render(facts: PosterFacts) -> bytes:
    poster = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    poster.paste(_cover(facts.cover) or _placeholder(facts.title), (0, 0))
    poster.paste(label_image(), LABEL_BOX[:2])
    draw = ImageDraw.Draw(poster)
    top = _text_block(draw, wrap(facts.title, 44, WIDTH - 2 * MARGIN, 2), 44, COVER_HEIGHT + 32, INK)
    if facts.sku_title:
        top = _text_block(draw, wrap(facts.sku_title, 32, WIDTH - 2 * MARGIN, 2), 32, top + 12, INK)
    if facts.price:
        top = _text_block(draw, [f"直播价 Live price  {facts.price}"], 36, top + 4, LABEL_RED)
    qr_top = HEIGHT - QR_SIZE - 96
    poster.paste(_qr(facts.url), (WIDTH - MARGIN - QR_SIZE, qr_top))
    left_width = WIDTH - 3 * MARGIN - QR_SIZE
    shared = wrap(f"{facts.partner_name} 推荐", 30, left_width, 3)
    below = _text_block(draw, shared, 30, qr_top + 20, INK)
    _text_block(draw, wrap("Shared by " + facts.partner_name, 24, left_width, 2), 24, below, MUTED)
    if facts.share_code:
        _text_block(draw, ["口令 Share code", facts.share_code], 28, qr_top + QR_SIZE - 84, INK)
    draw.text(
        (WIDTH / 2, HEIGHT - 48), "长按识别二维码 · Scan the QR code to watch", font=font(26), fill=MUTED, anchor="mm"
    )
    return _png(poster)


def _png(image: Image.Image) -> bytes:
    info = PngInfo()
    info.add_itxt("Label", LABEL_TEXT)  # the label, also in words, for whoever reads the file's metadata
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info, optimize=True)
    return buffer.getvalue()
