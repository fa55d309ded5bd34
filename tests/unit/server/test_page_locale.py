"""The pages' language and formats (server/web/locale.py): Accept-Language with its weights, the
remembered switch before it, and money by the currency's own exponent in each locale (CLDR)."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from server.web.locale import accepted_lang, format_money, format_when, page_lang
from tests.money_formats import MONEY_CASES

NBSP = "\u00a0"


def request(accept: str = "", cookie: str | None = None, query: str | None = None) -> SimpleNamespace:
    return SimpleNamespace(
        headers={"accept-language": accept},
        cookies={"zx_lang": cookie} if cookie else {},
        query_params={"lang": query} if query else {},
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("fr-FR, zh-TW;q=0.5, en;q=0.4", "zh"),  # the first of ours by weight, not by position
        ("en;q=0.2, zh;q=0.7", "zh"),
        ("zh;q=0, en;q=0.1", "en"),  # q=0 means "not this"
        ("de-DE,fr;q=0.8", None),
        ("", None),
        ("zh;q=oops, en", "en"),
    ],
)
def test_accept_language_picks_the_best_weighted_of_our_languages(header, expected):
    assert accepted_lang(header) == expected


def test_the_switch_and_the_query_win_over_the_browser():
    assert page_lang(request("zh-CN")) == "zh"
    assert page_lang(request("zh-CN", cookie="en")) == "en"
    assert page_lang(request("en", cookie="zh", query="en")) == "en"
    assert page_lang(request("de", cookie="fr")) == "en"  # nothing of ours: English
    assert page_lang(None) == "en"


@pytest.mark.parametrize(("minor", "currency", "lang", "expected"), MONEY_CASES)
def test_money_by_the_currency_exponent_in_each_locale(minor, currency, lang, expected):
    assert format_money(minor, currency, lang).replace(NBSP, " ") == expected


def test_negative_money_keeps_its_sign_and_exponent():
    assert format_money(-1024, "CNY", "en") == "-CN¥10.24"
    assert format_money(-5, "JPY", "zh") == "-JP¥5"


def test_dates_in_the_reader_locale_in_utc():
    moment = datetime(2026, 11, 28, 9, 5, 7, 123456, tzinfo=UTC)
    assert format_when(moment, "en").replace("\u202f", " ") == "Nov 28, 2026, 9:05:07 AM UTC"
    assert format_when(moment, "zh") == "2026年11月28日 09:05:07 UTC"
    assert format_when("2026-11-28T09:05:07.123456+00:00", "en").startswith("Nov 28, 2026")
    assert format_when(None, "zh") == "—"
