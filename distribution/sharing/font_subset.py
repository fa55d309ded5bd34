"""How the poster's font was made (run once by a developer, not by the server):

    pip install fonttools
    python -m distribution.sharing.font_subset noto-sans-sc-all-400-normal.woff \\
        distribution/sharing/fonts/NotoSansSC-Poster.otf

The source is Noto Sans SC Regular (SIL OFL 1.1) as the npm package `@fontsource/noto-sans-sc`
4.5.7 ships it (`files/noto-sans-sc-all-400-normal.woff`). Kept: ASCII and Latin-1, general and CJK
punctuation, full-width forms, and every hanzi of GB 2312 (6,763: the characters of nearly every
product and session title) — about 3 MB instead of 7 MB+ for the whole font. A character outside it
is drawn as the font's empty box. The subset is renamed (OFL: a Modified Version may not use the
Reserved Font Name), and hinting is dropped (the poster is drawn at large sizes)."""

from __future__ import annotations

import sys

FAMILY = "ZX Poster Sans SC"
RANGES = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF), (0x2190, 0x21FF)]


def gb2312_hanzi() -> list[int]:
    """Every character of GB 2312 rows 16–87 (levels 1 and 2)."""
    found = []
    for high in range(0xB0, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.append(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return found


def unicodes() -> list[int]:
    wanted = {c for start, end in RANGES for c in range(start, end + 1)}
    return sorted(wanted | set(gb2312_hanzi()) | {ord("￥"), ord("·"), ord("…")})


def main(source: str, target: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source)
    options = subset.Options()
    options.hinting = False
    options.flavor = None  # a plain OpenType file: Pillow's FreeType reads it without brotli or zlib
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (3, 4):
            record.string = f"{FAMILY} Regular"
        elif record.nameID == 6:
            record.string = "ZXPosterSansSC-Regular"
    if "CFF " in font:  # a CFF font names itself once more inside its CFF table
        cff = font["CFF "].cff
        cff.fontNames = ["ZXPosterSansSC-Regular"]
        top = cff[cff.fontNames[0]]
        top.FamilyName, top.FullName = FAMILY, f"{FAMILY} Regular"
    font.save(target)


if __name__ == "__main__":
    main(*sys.argv[1:3])
