"""The reader's language for a page, and money and dates in it (Babel's CLDR data).

A page is in Chinese or English: `?lang=` first, then the `zx_lang` cookie that the page switch
(`zx.setLang`) writes, then the browser's `Accept-Language`, then English. The same choice sets
`<html lang>` in `base.html`, so screen readers and the browser's own formatting agree with it.

Money is shown by the currency's own exponent (`server.kernel.currency`: JPY 0, KWD 3) in the
locale's currency pattern, the server's twin of `zx.money` in the browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_currency
from jinja2 import pass_context
from jinja2.runtime import Context

from server.kernel.currency import minor_unit_exponent

LANG_COOKIE = "zx_lang"
LANGS = ("zh", "en")
DEFAULT_LANG = "en"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
BABEL_LOCALE = {"zh": Locale.parse("zh_Hans_CN"), "en": Locale.parse("en")}
DECIMALS = re.compile(r"0\.0+|0(?=[^#0,.]|$)")
# CLDR's currency spacing (which Babel does not apply): a code of letters next to a digit gets a
# no-break space, "KWD 1,234.567", as Intl writes it in the browser; a sign such as ¥ or $ does not.
LETTER_TOUCHING_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def accepted_lang(header: str) -> str | None:
    """The first of our languages in an Accept-Language header, by its q weights (ties keep order)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGS and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else None


def page_lang(request: Any) -> str:
    """`zh` or `en` for this request (see the module's docstring for the order)."""
    if request is None:
        return DEFAULT_LANG
    for asked in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if asked in LANGS:
            return str(asked)
    return accepted_lang(request.headers.get("accept-language", "")) or DEFAULT_LANG


def _currency_pattern(lang: str, exponent: int) -> str:
    """The locale's standard currency pattern with exactly `exponent` decimals."""
    pattern = BABEL_LOCALE[lang].currency_formats["standard"].pattern
    decimals = "0." + "0" * exponent if exponent else "0"
    return DECIMALS.sub(decimals, pattern, count=2)


def format_money(amount_minor: int, currency: str, lang: str = DEFAULT_LANG) -> str:
    """Integer minor units → "¥1,234.56" (zh, CNY), "CN¥1,234.56" (en), "¥1,234" (en, JPY)."""
    exponent = minor_unit_exponent(currency)
    amount = Decimal(amount_minor).scaleb(-exponent)
    text = format_currency(
        amount,
        currency,
        format=_currency_pattern(lang, exponent),
        locale=BABEL_LOCALE[lang],
        currency_digits=False,
    )
    return LETTER_TOUCHING_DIGIT.sub("\u00a0", text)


def format_when(moment: datetime | str | None, lang: str = DEFAULT_LANG) -> str:
    """A moment as the reader's locale writes it (medium date, short time), in UTC and saying so."""
    if moment is None or moment == "":
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = format_datetime(moment, "medium", tzinfo=UTC, locale=BABEL_LOCALE[lang])
    return f"{text} UTC"


def _context_lang(context: Context) -> str:
    return page_lang(context.get("request"))


@pass_context
def _money(context: Context, amount_minor: int | None, currency: str | None) -> str:
    if amount_minor is None or not currency:
        return "—"
    return format_money(int(amount_minor), currency, _context_lang(context))


@pass_context
def _when(context: Context, moment: datetime | str | None) -> str:
    return format_when(moment, _context_lang(context))


@pass_context
def _lang(context: Context) -> str:
    return _context_lang(context)


@pass_context
def _html_lang(context: Context) -> str:
    return HTML_LANG[_context_lang(context)]


TEMPLATE_GLOBALS: dict[str, Any] = {
    "money": _money,
    "when": _when,
    "page_lang": _lang,
    "html_lang": _html_lang,
}


def register_template_globals(engine: Any) -> None:
    """`TemplateConfig(engine_callback=…)`: every template gets `money`, `when`, `page_lang`,
    `html_lang` (a page's own context of the same name wins)."""
    engine.engine.globals.update(TEMPLATE_GLOBALS)
