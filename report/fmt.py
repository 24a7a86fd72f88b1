"""Swedish number formats for the report, all through babel (locale sv_SE).

babel separates thousands with a NO-BREAK SPACE (U+00A0); the report keeps that everywhere
(a number never wraps in the middle) and puts the same space before "kr" and "%"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal

NBSP = "\u00a0"
DASH = "–"  # shown where there is no value
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _num(value, decimals: int) -> str:
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    value = round(value, decimals) + 0  # -0.03 with one decimal is 0,0, not -0,0
    return format_decimal(value, format=pattern, locale="sv_SE")


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
    if signed and round(value, decimals) > 0:
        text = "+" + text
    return f"{text}{NBSP}%"


def tkr(value) -> str:
    return DASH if value is None else f"{_num(value, 0)}{NBSP}tkr"


def signed(value, decimals: int = 0) -> str:
    if value is None:
        return DASH
    text = _num(value, decimals)
    return "+" + text if round(value, decimals) > 0 else text


def day(value) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def value_in_unit(value, unit: str | None) -> str:
    """An ÖJ value in its unit: shares with one decimal, kr whole, others with one decimal at most."""
    if value is None:
        return DASH
    unit = unit or ""
    if unit == "procent":
        return pct(value, 1)
    if unit == "kr/inv":
        return kr(value)
    if unit == "ja/nej":
        return number(value)
    # days and counts are whole numbers for a municipality, but medians and the nation's
    # value may not be: show the decimal only where there is one
    return number(value, 0 if float(value).is_integer() else 1)
