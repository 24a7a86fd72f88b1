"""Reading a record file into rows of cell texts, numbered as the spreadsheet shows them.

Row numbers are those Excel shows (the header is row 1 when it is the first line; blank rows
and comment lines count), so that "rad 7" in the intake report is row 7 on the sender's screen.
Workbooks are read with openpyxl directly: a formula cell whose value was never saved (files
written by scripts, not by Excel) must be reported as such, not read as an empty cell."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ingestion.errors import RecordFileError

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
RECORD_SUFFIXES = (".csv", ".txt", *EXCEL_SUFFIXES)


@dataclass
class Row:
    number: int  # as the spreadsheet shows it
    cells: dict[str, str]  # lower-cased header → cell text
    formulas: dict[str, str] = field(default_factory=dict)  # header → formula without a saved value


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else cp1252, the encoding of Swedish Excel's CSV export."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def cell_text(value) -> str:
    """A cell's value as the text a person typed: 5.0 → "5", a date → ISO, empty → ""."""
    if value is None or (isinstance(value, float) and value != value):  # None or NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _csv_table(path: Path) -> list[tuple[int, list[str], dict[int, str]]]:
    text = decode(path.read_bytes())
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), None)
    if first is None:
        raise RecordFileError(f"{path.name}: filen är tom")
    # the separator is the one the header uses most (; from Swedish Excel, else , or tab);
    # quoting is Excel's: "" inside a quoted cell is one quote. Each CSV record is one row.
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(n, [cell_text(v) for v in rec], {}) for n, rec in enumerate(reader, start=1)]


def _excel_table(path: Path) -> list[tuple[int, list[str], dict[int, str]]]:
    """The first sheet: saved values (data_only), and a second look at the formulas to find
    those without a saved value; a formula with a saved value is read as its value."""
    import openpyxl

    try:
        values = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        formulas = openpyxl.load_workbook(path, data_only=False).worksheets[0]
    except Exception as exc:  # a corrupt workbook: openpyxl raises many kinds
        raise RecordFileError(f"{path.name}: Excel-filen går inte att läsa ({exc})") from exc
    table = []
    for vrow, frow in zip(values.iter_rows(min_row=1), formulas.iter_rows(min_row=1), strict=False):
        cells = [cell_text(c.value) for c in vrow]
        unsaved = {
            i: str(f.value)
            for i, (v, f) in enumerate(zip(vrow, frow, strict=False))
            if f.data_type == "f" and v.value is None
        }
        table.append((vrow[0].row if vrow else len(table) + 1, cells, unsaved))
    return table


def read_rows(path: Path) -> list[Row]:
    """All rows below the header, cells as text keyed by lower-cased header; Excel or CSV with
    ; or , separators. Lines starting with # are comments; wholly empty rows are skipped (but
    counted: numbers stay those of the spreadsheet)."""
    table = _excel_table(path) if path.suffix.lower() in EXCEL_SUFFIXES else _csv_table(path)
    table = [(n, r, f) for n, r, f in table if (any(r) or f) and not (r and r[0].startswith("#"))]
    if not table:
        raise RecordFileError(f"{path.name}: filen är tom")
    header = [h.lower() for h in table[0][1]]
    if len(table) == 1:
        raise RecordFileError(f"{path.name}: filen har rubrikrad men inga rader")
    return [
        Row(
            number,
            {h: (row[i] if i < len(row) else "") for i, h in enumerate(header) if h},
            {header[i]: text for i, text in unsaved.items() if i < len(header) and header[i]},
        )
        for number, row, unsaved in table[1:]
    ]
