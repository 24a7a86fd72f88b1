"""Swedish number formats for the report, all through babel (locale sv_SE).

babel separates thousands with a NO-BREAK SPACE (U+00A0); the report keeps that everywhere
(a number never wraps in the middle) and puts the same space before "kr" and "%"."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.numbers import parse_pattern

NBSP = "\u00a0"
DASH = "–"  # shown where there is no value
MINUS = "\u2212"  # a negative number is shown with the true minus sign, as in print


def half_up(value, decimals: int = 0) -> Decimal:
    """Round once, half up, from the exact value: a Decimal (or int) as it comes from the marts;
    a float goes through its shortest repr (16.45 → Decimal('16.45')), never its binary value."""
    if isinstance(value, Decimal):
        exact = value
    elif isinstance(value, float) or hasattr(value, "is_integer"):  # float, numpy float
        exact = Decimal(repr(float(value)))
    else:
        exact = Decimal(int(value))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP) + 0


STOCKHOLM = ZoneInfo("Europe/Stockholm")


SWEDISH = Locale.parse("sv_SE")


@cache
def _pattern(decimals: int):
    """babel's format_decimal parses its locale and pattern anew on every call (most of the
    time of a number); the report has a handful of patterns, parsed once each."""
    return parse_pattern("#,##0" + ("." + "0" * decimals if decimals else ""))


def _num(value, decimals: int) -> str:
    rounded = half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # -0.03 with one decimal is 0,0, not -0,0
    return _pattern(decimals).apply(rounded, SWEDISH).replace("-", MINUS)


def number(value, decimals: int = 0) -> str:
    """1234567 → '1 234 567'; 9.08 with decimals=2 → '9,08'."""
    return DASH if value is None else _num(value, decimals)


def kr(value, decimals: int = 0) -> str:
    return DASH if value is None else f"{_num(value, decimals)}{NBSP}kr"


def pct(value, decimals: int = 1, signed: bool = False) -> str:
    """A value already in percent: 7.13 → '7,1 %'; signed=True → '+2,0 %'."""
    if value is None:
        return DASH
    text = _num(value, decimals)
    if signed and half_up(value, decimals) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def tkr(value) -> str:
    return DASH if value is None else f"{_num(value, 0)}{NBSP}tkr"


def signed(value, decimals: int = 0) -> str:
    if value is None:
        return DASH
    text = _num(value, decimals)
    return "+" + text if half_up(value, decimals) > 0 else text


def day(value) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_in_unit(value, unit: str | None, decimals: int | None = None) -> str:
    """An ÖJ value in its unit, with the indicator's own precision (`decimals`, the most the
    municipalities' values have) so a column never mixes 114 and 114,1; kr are whole."""
    if value is None:
        return DASH
    unit = unit or ""
    if unit == "kr/inv":
        return kr(value)
    if decimals is None:
        decimals = 1 if unit == "procent" or not float(value).is_integer() else 0
    if unit == "procent":
        return pct(value, decimals)
    return number(value, decimals)


def decimals_of(values) -> int:
    """The precision a series of values is given in (at most 2): 16.4, 12 → 1."""
    most = 0
    for v in values:
        if v is not None:
            text = repr(round(float(v), 6)).rstrip("0").rstrip(".")
            most = max(most, len(text.partition(".")[2]))
    return min(most, 2)
