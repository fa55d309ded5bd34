"""What money looks like on a page, in both languages: one table that the server's formatter
(`server/web/locale.py`, Babel) and the browser's (`zx.money`, Intl) are both held to. Spaces are
written as plain spaces (CLDR puts a no-break space between a code and the figure)."""

from __future__ import annotations

# (minor units, currency, page language, shown)
MONEY_CASES = [
    (123456, "CNY", "en", "CN¥1,234.56"),
    (123456, "CNY", "zh", "¥1,234.56"),
    (1000, "JPY", "en", "¥1,000"),  # JPY has no minor unit: 1000 is ¥1,000, not ¥10.00
    (1000, "JPY", "zh", "JP¥1,000"),
    (1234567, "KWD", "en", "KWD 1,234.567"),  # three decimals
    (1234567, "KWD", "zh", "KWD 1,234.567"),
    (99, "USD", "en", "$0.99"),
    (99, "USD", "zh", "US$0.99"),
]
