"""The unit's own record files (CSV or Excel), read the way Swedish spreadsheets are written,
validated row by row. Good rows load; bad rows are reported with file, row, field and problem."""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pandas as pd
from babel.numbers import NumberFormatError, parse_decimal


class RecordFileError(ValueError):
    """The file as a whole cannot be read (wrong columns, empty, unreadable)."""


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, the encoding of Swedish Excel's CSV export."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_rows(path: Path) -> list[dict[str, str]]:
    """All cells as text, keyed by lower-cased header; Excel or CSV with ; or , separators."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        rows = frame.to_dict("records")
    else:
        text = decode(path.read_bytes())
        lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if not lines:
            raise RecordFileError(f"{path.name}: the file is empty")
        dialect = csv.Sniffer().sniff(lines[0], delimiters=";,\t")
        rows = list(csv.DictReader(io.StringIO("\n".join(lines)), dialect=dialect))
    if not rows:
        raise RecordFileError(f"{path.name}: the file has a header but no rows")
    return [{str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in r.items()} for r in rows]


# --- field parsers: each takes the cell text and returns a value or raises ValueError -------
def as_decimal(text: str) -> Decimal:
    try:
        return parse_decimal(text.replace("kr", "").replace("%", "").strip(), locale="sv_SE", strict=False)
    except NumberFormatError as exc:
        raise ValueError(f"{text!r} is not a number (write 1 234,50 or 1234.50)") from exc


def as_int(text: str) -> int:
    value = as_decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def as_year(text: str) -> int:
    year = as_int(text)
    if not 1900 <= year <= 2100:
        raise ValueError(f"{text!r} is not a year")
    return year


def as_date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a date (write YYYY-MM-DD)") from exc


def one_of(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text.lower() not in allowed:
            raise ValueError(f"{text!r} is not one of {', '.join(allowed)}")
        return text.lower()
    return parse


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+kommun$", "", name.strip(), flags=re.I)
    return re.sub(r"[\s-]+", " ", name).casefold()


def municipality_parser(members: dict[str, str]) -> Callable[[str], str]:
    """Code ("0125", "125") or name, with or without "kommun", "Upplands Väsby" = "Upplands-Väsby"."""
    by_name = {normalise_name(n): c for c, n in members.items()}

    def parse(text: str) -> str:
        if text.isdigit() and text.zfill(4) in members:
            return text.zfill(4)
        code = by_name.get(normalise_name(text))
        if code is None:
            raise ValueError(f"{text!r} is not a municipality of the region")
        return code
    return parse


@dataclass
class Field:
    name: str
    parse: Callable[[str], object]
    required: bool = True


@dataclass
class RecordFormat:
    name: str
    fields: list[Field]
    key: list[str] = field(default_factory=list)  # a second row with the same key is an error
    # checks across fields of one parsed row: returns (field, problem) pairs
    row_check: Callable[[dict], list[tuple[str, str]]] | None = None


@dataclass
class Problem:
    file: str
    row: int  # as a spreadsheet shows it: the header is row 1
    field: str
    problem: str
    raw: str

    def __str__(self) -> str:
        return f"{self.file}, row {self.row}, field {self.field!r}: {self.problem}"


def validate(path: Path, fmt: RecordFormat) -> tuple[pd.DataFrame, list[Problem]]:
    rows = read_rows(path)
    missing = [f.name for f in fmt.fields if f.required and f.name not in rows[0]]
    if missing:
        raise RecordFileError(f"{path.name}: missing column(s) {', '.join(missing)} "
                              f"(format {fmt.name} has {', '.join(f.name for f in fmt.fields)})")
    good, problems, seen = [], [], {}
    for number, row in enumerate(rows, start=2):
        parsed, row_problems = {}, []
        for f in fmt.fields:
            text = row.get(f.name, "")
            if not text:
                if f.required:
                    row_problems.append(Problem(path.name, number, f.name, "is empty", str(row)))
                parsed[f.name] = None
                continue
            try:
                parsed[f.name] = f.parse(text)
            except ValueError as exc:
                row_problems.append(Problem(path.name, number, f.name, str(exc), str(row)))
        if not row_problems and fmt.row_check:
            row_problems += [Problem(path.name, number, f, p, str(row)) for f, p in fmt.row_check(parsed)]
        if not row_problems and fmt.key:
            key = tuple(parsed[k] for k in fmt.key)
            if key in seen:
                row_problems.append(Problem(path.name, number, ",".join(fmt.key),
                                            f"duplicates row {seen[key]}", str(row)))
            seen.setdefault(key, number)
        if row_problems:
            problems += row_problems
        else:
            parsed["source_row"] = number
            good.append(parsed)
    frame = pd.DataFrame(good, columns=[f.name for f in fmt.fields] + ["source_row"])
    return frame, problems


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
