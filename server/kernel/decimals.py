"""How a `Decimal` goes out in JSON: as a number, never as a string.

The rule for every response field:
- money is never a Decimal: it is `*_minor: int` beside an ISO `currency`;
- a count of basis points that is whole by definition (`commission_bps`, `default_commission_bps`)
  is typed `int`;
- a rate that may carry a fraction of a basis point (`rate_bps`, `platform_fee_bps`,
  `percent_off_bps`, a bonus tier's `amount`) stays a `Decimal` inside and is typed `DecimalNumber`
  here, which JSON writes as a number: an integer when the value is whole (`1500`), else the
  shortest decimal that reads back to it (`12.5`). Such rates are validated to at most 9 significant
  digits, well inside the 15 a JSON (IEEE double) number carries exactly, so no digit is lost.

(Litestar documents a Decimal as a string; `json_schema_extra` tells the OpenAPI document the truth.)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer


def as_json_number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(value)  # exact for the ≤ 9 significant digits rates are validated to (see above)


def _optional(value: Decimal | None) -> int | float | None:
    return None if value is None else as_json_number(value)


DecimalNumber = Annotated[
    Decimal,
    PlainSerializer(as_json_number, return_type=int | float, when_used="json"),
    Field(json_schema_extra={"type": "number"}),
]
OptionalDecimalNumber = Annotated[
    Decimal | None,
    PlainSerializer(_optional, return_type=int | float | None, when_used="json"),
    Field(json_schema_extra={"type": ["number", "null"], "oneOf": None}),
]
