"""The unit's own record files (CSV or Excel), read the way Swedish spreadsheets are written,
validated row by row. Good rows load; each bad row is reported once, naming file, row, the
field(s) and the problem. Problem texts are Swedish: the staff who fill in the files read them."""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
from babel.numbers import NumberFormatError, parse_decimal

from ingestion.errors import RecordFileError
from ingestion.records.read import RECORD_SUFFIXES, read_rows

__all__ = ["RECORD_SUFFIXES", "read_rows"]  # re-exported: intake reads the suffixes here


# --- field parsers: each takes the cell text and returns a value or raises ValueError -------
def as_text(text: str) -> str:
    return text


def as_decimal(text: str) -> Decimal:
    cleaned = re.sub(r"\s+", "", text.replace("\u202f", "").replace("\u00a0", ""))
    cleaned = re.sub(r"(tkr|kr|%)$", "", cleaned, flags=re.I)
    try:
        return parse_decimal(cleaned, locale="sv_SE", strict=False)
    except NumberFormatError as exc:
        raise ValueError(f"{text!r} är inte ett tal (skriv t.ex. 1 234,5 eller 1234.5)") from exc


def as_int(text: str) -> int:
    value = as_decimal(text)
    if value != value.to_integral_value():
        raise ValueError(f"{text!r} är inte ett heltal")
    return int(value)


def as_count(text: str) -> int:
    value = as_int(text)
    if value < 0:
        raise ValueError(f"{text!r} får inte vara negativt")
    return value


def as_share(text: str) -> Decimal:
    """A percentage 0–100 ("63", "63 %", "63,5")."""
    value = as_decimal(text)
    if not 0 <= value <= 100:
        raise ValueError(f"{text!r} är ingen andel mellan 0 och 100 %")
    return value


def as_year(text: str) -> int:
    try:
        year = as_int(text)
    except ValueError:
        year = None
    if year is None or not 1990 <= year <= 2100:
        raise ValueError(f"{text!r} är inget årtal (skriv t.ex. 2025)")
    return year


def as_date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError as exc:
        raise ValueError(f"{text!r} är inget datum (skriv ÅÅÅÅ-MM-DD)") from exc


def as_bool(text: str) -> bool:
    value = text.strip().casefold()
    if value in ("ja", "j", "x", "1", "sant", "true", "yes"):
        return True
    if value in ("nej", "n", "0", "falskt", "false", "no"):
        return False
    raise ValueError(f"{text!r} är varken ja eller nej")


def _plain(text: str) -> str:
    """Lower case without accents or extra spaces: 'Pågående ' → 'pagaende' (for suggestions)."""
    decomposed = unicodedata.normalize("NFD", re.sub(r"\s+", " ", text.strip()).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def one_of(*allowed: str, synonyms: dict[str, str] | None = None) -> Callable[[str], str]:
    """A value from a fixed list, case-insensitive; synonyms map other spellings onto it. An
    unknown value gets the closest allowed one as a suggestion (accents and case ignored)."""
    mapping = {a.casefold(): a for a in allowed} | {k.casefold(): v for k, v in (synonyms or {}).items()}
    plain = {_plain(k): v for k, v in mapping.items()}

    def parse(text: str) -> str:
        value = mapping.get(unicodedata.normalize("NFC", re.sub(r"\s+", " ", text.strip())).casefold())
        if value is not None:
            return value
        close = difflib.get_close_matches(_plain(text), plain, n=1, cutoff=0.6)
        if close:
            raise ValueError(f"okänt värde {text!r}: menade du {plain[close[0]]!r}? (tillåtna: {', '.join(allowed)})")
        raise ValueError(f"{text!r} är inte ett tillåtet värde (tillåtna: {', '.join(allowed)})")

    parse.allowed = allowed  # the templates' drop-down lists (ingestion/records/templates.py)
    return parse


def normalise_name(name: str) -> str:
    name = re.sub(r"\s+(kommun|stad)$", "", unicodedata.normalize("NFC", name).strip(), flags=re.I)
    return re.sub(r"[\s-]+", " ", name).casefold()


def municipality_parser(members: dict[str, str]) -> Callable[[str], str]:
    """Code ("0125", "125") or name, with or without "kommun", "Upplands Väsby" = "Upplands-Väsby"."""
    by_name = {normalise_name(n): c for c, n in members.items()}

    def parse(text: str) -> str:
        if text.isdigit() and text.zfill(4) in members:
            return text.zfill(4)
        code = by_name.get(normalise_name(text))
        if code is None:
            raise ValueError(f"{text!r} är ingen av regionens kommuner ({', '.join(sorted(members.values()))})")
        return code

    parse.members = members  # the templates' drop-down of the region's municipalities
    return parse


ALL_MEMBERS = ("samtliga", "samtliga kommuner", "alla", "alla kommuner", "alla nordvästkommuner")


def municipality_list_parser(
    members: dict[str, str], *, keep_order: bool = False, others: str = "i kolumnen övriga_parter"
) -> Callable[[str], str]:
    """Several municipalities in one cell ("Ekerö, Järfälla och Solna") or "samtliga".
    Returns the codes comma-separated, the form the warehouse stores: sorted, or with keep_order
    in the cell's order (each once); "samtliga" is every member in code order. `others` says
    where parties outside the region are written instead."""
    one = municipality_parser(members)

    def parse(text: str) -> str:
        if text.strip().casefold() in ALL_MEMBERS:
            return ",".join(sorted(members))
        parts = [p for p in re.split(r"\s*(?:[,;/&+]|\boch\b)\s*", text.strip()) if p]
        codes, bad = [], []
        for part in parts:
            try:
                codes.append(one(part))
            except ValueError:
                bad.append(part)
        if bad:
            raise ValueError(
                f"{', '.join(map(repr, bad))} är inte bland regionens kommuner "
                f"(skriv kommunnamn eller kod, eller samtliga; andra parter {others})"
            )
        unique = list(dict.fromkeys(codes))
        return ",".join(unique if keep_order else sorted(unique))

    parse.members, parse.several = members, True  # the template's list lets other text in
    return parse


UNSAVED_FORMULA = "cellen innehåller en formel vars värde inte har sparats: öppna och spara filen i Excel"


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
    aliases: tuple[str, ...] = ()  # Swedish file-name prefixes that also mean this format
    description: str = ""


@dataclass
class Problem:
    file: str
    row: int  # as a spreadsheet shows it: the header is row 1; 0 = the file as a whole
    field: str
    problem: str
    raw: str

    def __str__(self) -> str:
        where = "hela filen" if self.row == 0 else f"rad {self.row}"
        return f"{self.file}, {where}: {self.problem}"  # problem names the field(s) itself


def validate(
    path: Path, fmt: RecordFormat, skip: Callable[[dict], bool] | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse every row; a row with any problem is left out and reported once (all its
    problems on one line); a good row `skip` says True to (a template's unchanged example row)
    is left out silently. Raises RecordFileError when the file as a whole is unusable."""
    rows = read_rows(path)
    missing = [f.name for f in fmt.fields if f.required and f.name not in rows[0].cells]
    if missing:
        raise RecordFileError(
            f"{path.name}: kolumn saknas: {', '.join(missing)} "
            f"(formatet {fmt.name} har kolumnerna {';'.join(f.name for f in fmt.fields)})"
        )
    good, problems, seen = [], [], {}
    for line in rows:
        parsed, row_problems = _parse_row(line, fmt)
        if not row_problems and skip is not None and skip(parsed):
            continue
        if not row_problems and fmt.row_check:
            row_problems += fmt.row_check(parsed)
        if not row_problems and fmt.key:
            key = tuple(parsed[k] for k in fmt.key)
            if key in seen:
                row_problems.append(("+".join(fmt.key), f"samma nyckel som rad {seen[key]} (dubblettrad)"))
            seen.setdefault(key, line.number)
        if row_problems:
            raw = ";".join(f"{k}={line.formulas.get(k, v)}" for k, v in line.cells.items())
            problems.append(
                Problem(
                    path.name,
                    line.number,
                    ", ".join(dict.fromkeys(f for f, _ in row_problems)),
                    "; ".join(f"{f}: {p}" for f, p in row_problems),
                    raw,
                )
            )
        else:
            parsed["source_row"] = line.number
            good.append(parsed)
    frame = pd.DataFrame(good, columns=[f.name for f in fmt.fields] + ["source_row"])
    return frame, problems


def _parse_row(line, fmt: RecordFormat) -> tuple[dict, list[tuple[str, str]]]:
    """Each field of one row parsed (None when empty or unparseable), and its (field, problem)
    pairs: an unsaved formula, a required field left empty, a value the field cannot parse."""
    parsed, row_problems = {}, []
    for f in fmt.fields:
        text = line.cells.get(f.name, "")
        if f.name in line.formulas:
            row_problems.append((f.name, f"{UNSAVED_FORMULA} (formeln: {line.formulas[f.name]})"))
            parsed[f.name] = None
        elif not text:
            if f.required:
                row_problems.append((f.name, "är tomt men måste fyllas i"))
            parsed[f.name] = None
        else:
            try:
                parsed[f.name] = f.parse(text)
            except ValueError as exc:
                row_problems.append((f.name, str(exc)))
    return parsed, row_problems


def as_stored_text(value) -> str | None:
    """The text the raw tables keep: ISO dates, '.' decimals, true/false; staging casts it."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
