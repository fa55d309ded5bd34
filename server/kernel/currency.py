"""ISO 4217 currency codes and their minor-unit exponents."""

from __future__ import annotations

from functools import lru_cache

import pycountry

# pycountry lists codes but not exponents; these are the ISO 4217 exceptions to two decimals.
ZERO_DECIMAL = {
    "BIF",
    "CLP",
    "DJF",
    "GNF",
    "ISK",
    "JPY",
    "KMF",
    "KRW",
    "PYG",
    "RWF",
    "UGX",
    "UYI",
    "VND",
    "VUV",
    "XAF",
    "XOF",
    "XPF",
}
THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}


@lru_cache(maxsize=512)
def is_iso_currency(code: str) -> bool:
    return code.isupper() and len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None


def minor_unit_exponent(code: str) -> int:
    if code in ZERO_DECIMAL:
        return 0
    return 3 if code in THREE_DECIMAL else 2


def validate_currency(code: str) -> str:
    """Return the code if it is an upper-case ISO 4217 code, else raise ValueError naming it."""
    if not isinstance(code, str) or not is_iso_currency(code):
        raise ValueError(f"{code!r} is not an upper-case ISO 4217 currency code (e.g. 'CNY', 'USD')")
    return code


def format_minor(amount_minor: int, currency: str) -> str:
    """Human display only (pages, CLI); never used for arithmetic."""
    exponent = minor_unit_exponent(currency)
    sign = "-" if amount_minor < 0 else ""
    whole, frac = divmod(abs(amount_minor), 10**exponent) if exponent else (abs(amount_minor), 0)
    body = f"{whole:,}" + (f".{frac:0{exponent}d}" if exponent else "")
    return f"{sign}{body} {currency}"
