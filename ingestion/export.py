"""Exports of the marts from the published warehouse, for analysts in Excel and Power BI
(docs/exports.md): xlsx (one sheet per mart), parquet (one file per mart) and csv-sv (one file
per mart, for Swedish Excel: semicolon, decimal comma, UTF-8 with BOM).

Values are the marts' own, never rounded: the xlsx stores each number and shows it through a
number format (thousands separator, the KPI's decimals, percentages as "12,5 %" of the stored
12.5), codes stay text with their leading zero, and dbt's column descriptions (the published
file's column comments) travel as header comments (xlsx) and schema metadata (parquet).

The xlsx is written fast: openpyxl writes each sheet's frame (notice row, header, comments,
styles, one prototype row that registers each column's style), then the data rows, made by
DuckDB as sheet XML, replace the prototype inside the zip. Every file is written to a temporary
name and renamed: an export is whole or absent, never broken."""

from __future__ import annotations

import json
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingestion.errors import FouError

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "parquet", "csv-sv")
EXCEL_MAX_ROWS = 1_048_576
HEADER_ROW = 2  # row 1: notices and source captions; row 2: the column names
TZ = "Europe/Stockholm"
GENERATED_NOTICE = (
    "OBS: bladet innehåller genererade ÖJ-värden (value_provenance = generated, is_generated): "
    "påhittade för test och demonstration, inte officiell statistik."
)
CAPTIONS = {
    "kolada": "Källa: Kolada",
    "kolada-copy": "Källa: Kolada (kopia, ej kontrollerad mot kolada.se)",
}
SCB_COLUMNS = {
    "population",
    "basis_population",
    "previous_population",
    "region_basis_population",
    "scb_population",
    "scb_region_population",
}


class ExportRefused(FouError):
    """The xlsx cannot hold a mart (Excel's 1 048 576 rows per sheet): nothing is written."""


@dataclass
class Mart:
    name: str
    description: str
    columns: list[tuple[str, str, str]]  # name, DuckDB type, description
    rows: int
    notices: list[str] = field(default_factory=list)  # the sheet's first row
    source: str = ""  # where the rows are read from, when not the mart itself (a materialised view)

    @property
    def relation(self) -> str:
        return self.source or f'marts."{self.name}"'


def marts(con: duckdb.DuckDBPyConnection, names: list[str] | None = None) -> list[Mart]:
    """The marts (tables and views of schema marts) with their descriptions, in name order."""
    found = dict(
        con.execute(
            "select table_name, coalesce(comment, '') from duckdb_tables() where schema_name = 'marts' "
            "union all select view_name, coalesce(comment, '') from duckdb_views() where schema_name = 'marts' "
        ).fetchall()
    )
    unknown = sorted(set(names or []) - set(found))
    if unknown:
        raise FouError(f"no such mart: {', '.join(unknown)} (marts: {', '.join(sorted(found))})")
    out = []
    for name in sorted(names or found):
        cols = con.execute(
            "select column_name, data_type, coalesce(comment, '') from duckdb_columns() "
            "where schema_name = 'marts' and table_name = ? order by column_index",
            [name],
        ).fetchall()
        rows = con.execute(f'select count(*) from marts."{name}"').fetchall()[0][0]
        mart = Mart(name, found[name].strip(), cols, rows)
        mart.notices = notices(con, mart)
        out.append(mart)
    return out


def notices(con, mart: Mart) -> list[str]:
    """What the sheet's first row says: generated ÖJ values; the sources' captions ("Källa:
    SCB" on SCB's population figures, Kolada's on its values); none on the warehouse's own."""
    names = {c[0] for c in mart.columns}
    out = []
    if "value_provenance" in names:
        provenances = {
            p for (p,) in con.execute(f"select distinct value_provenance from {mart.relation}").fetchall() if p
        }
        if "generated" in provenances:
            out.append(GENERATED_NOTICE)
        out += [CAPTIONS[p] for p in sorted(provenances) if p in CAPTIONS]
    if mart.name.startswith("fct_population"):
        out.append("Källa: SCB")
    elif names & SCB_COLUMNS:
        out.append("Källa: SCB (folkmängd)")
    return out


def publication(con) -> str:
    """When the published file was published, in Swedish local time ('' when not stamped)."""
    try:
        rows = con.execute(
            f"select strftime(timezone('{TZ}', published_at), '%Y-%m-%d %H:%M') from main.publication"
        ).fetchall()
        return rows[0][0] if rows else ""
    except duckdb.Error:
        return ""


def order_by(mart: Mart) -> str:
    return "order by all" if mart.columns else ""


# ------------------------------------------------------------------------- parquet


def write_parquet(con, mart: Mart, out: Path) -> Path:
    """One file; each column's description in its field metadata, the mart's in the schema's."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = con.sql(f"select * from {mart.relation} {order_by(mart)}").to_arrow_table()
    descriptions = {name: text for name, _, text in mart.columns}
    fields = [
        f.with_metadata({b"description": descriptions.get(f.name, "").encode()} if descriptions.get(f.name) else None)
        for f in table.schema
    ]
    meta = {
        b"description": mart.description.encode(),
        b"mart": f"marts.{mart.name}".encode(),
        b"column_descriptions": json.dumps(descriptions, ensure_ascii=False).encode(),
        b"notices": json.dumps(mart.notices, ensure_ascii=False).encode(),
    }
    table = table.cast(pa.schema(fields, metadata=meta))
    path = out / f"{mart.name}.parquet"
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------------- csv for Swedish Excel


def _csv_expr(name: str, dtype: str) -> str:
    col = f'"{name}"'
    if dtype == "BOOLEAN":
        return f"case when {col} then 'ja' when not {col} then 'nej' end as {col}"
    if dtype.startswith(("DECIMAL", "DOUBLE", "FLOAT", "REAL")):
        return f"replace({col}::varchar, '.', ',') as {col}"
    if dtype.startswith("TIMESTAMP WITH"):
        return f"strftime(timezone('{TZ}', {col}), '%Y-%m-%d %H:%M:%S') as {col}"
    return f"{col}::varchar as {col}"


def write_csv_sv(con, mart: Mart, out: Path) -> Path:
    """Semicolon, decimal comma, UTF-8 with BOM, ja/nej, local times: Swedish Excel opens it
    in columns. Codes are written with their leading zero (Excel's double-click drops it: use
    the xlsx, or Data > From Text/CSV with the column as text)."""
    path = out / f"{mart.name}.csv"
    tmp = path.with_name(f".{path.name}.tmp")
    body = tmp.with_suffix(".body")
    select = ", ".join(_csv_expr(n, t) for n, t, _ in mart.columns)
    con.execute(
        f"copy (select {select} from {mart.relation} {order_by(mart)}) to '{body}' "
        "(format csv, delimiter ';', header true, quote '\"')"
    )
    with tmp.open("wb") as fh, body.open("rb") as src:
        fh.write("\ufeff".encode())
        while chunk := src.read(1 << 20):
            fh.write(chunk)
    body.unlink()
    os.replace(tmp, path)
    return path


# ------------------------------------------------------------------------- xlsx

YEARISH = re.compile(r"(^|_)(year|position|rank|quartile|month|row|code|id|yes_code|no_code)($|_)")


def number_format(name: str, dtype: str, decimals: int) -> str:
    """The Excel format of a column: text for codes, thousands separator for counts, the data's
    own decimals (at most 3) for measures, '12,5 %' for percentages stored as 12.5."""
    if dtype == "VARCHAR":
        return "@"
    if dtype == "DATE":
        return "yyyy-mm-dd"
    if dtype.startswith("TIMESTAMP"):
        return "yyyy-mm-dd hh:mm"
    if dtype == "BOOLEAN":
        return "General"
    if dtype in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER") and YEARISH.search(name):
        return "0"
    places = "." + "0" * decimals if decimals else ""
    base = f"#,##0{places}"
    return f'{base}" %"' if name.endswith(("_pct", "_share", "share_better_than_similar")) else base


NUMERIC = ("DECIMAL", "DOUBLE", "FLOAT", "REAL")


def _decimals(con, mart: Mart) -> dict[str, dict]:
    """Per measure column, the decimals its data needs (at most 3), in one query per mart; per
    KPI when the mart has kpi_id (the ÖJ values: each KPI's own decimals), else under None."""
    measures = [n for n, t, _ in mart.columns if t.startswith(NUMERIC)]
    if not measures:
        return {}
    by = "kpi_id" if any(c[0] == "kpi_id" for c in mart.columns) else None
    digits = [
        f"least(3, max(length(regexp_extract(round(\"{n}\", 6)::varchar, '\\.(\\d*?)0*$', 1))))" for n in measures
    ]
    key = '"kpi_id"' if by else "null"
    rows = con.execute(f"select {key}, {', '.join(digits)} from {mart.relation} group by 1").fetchall()
    return {n: {row[0]: int(row[i] or 0) for row in rows} or {None: 0} for i, n in enumerate(measures, start=1)}


def _cell_sql(i: int, name: str, dtype: str, style: str) -> str:
    """The SQL of one cell's XML ('' when null); `style` is an SQL expression of its s=."""
    col = f'"{name}"'
    ref = f"'<c r=\"{_letter(i)}' || rn || '\" s=\"' || {style} || '\"'"
    if dtype == "VARCHAR":
        text = f"replace(replace(replace({col}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
        text = f"regexp_replace({text}, '[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]', '', 'g')"
        body = f"{ref} || ' t=\"inlineStr\"><is><t xml:space=\"preserve\">' || {text} || '</t></is></c>'"
    elif dtype == "BOOLEAN":
        body = f"{ref} || ' t=\"b\"><v>' || {col}::int || '</v></c>'"
    elif dtype == "DATE":
        body = f"{ref} || '><v>' || ({col} - date '1899-12-30') || '</v></c>'"
    elif dtype.startswith("TIMESTAMP"):
        local = f"timezone('{TZ}', {col})" if "TIME ZONE" in dtype else col
        days = f"(epoch({local}::timestamp - timestamp '1899-12-30') / 86400.0)::varchar"
        body = f"{ref} || '><v>' || {days} || '</v></c>'"
    else:
        body = f"{ref} || '><v>' || {col}::varchar || '</v></c>'"
    return f"coalesce({body}, '')"


def _letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def check_rows(found: list[Mart]) -> None:
    too_big = [m for m in found if m.rows + HEADER_ROW > EXCEL_MAX_ROWS]
    if too_big:
        raise ExportRefused(
            "xlsx refused: Excel holds 1 048 576 rows per sheet and "
            + ", ".join(f"{m.name} has {m.rows:,}".replace(",", " ") for m in too_big)
            + " rows; export them with --format parquet (or choose other marts with --marts)"
        )


def write_xlsx(con, found: list[Mart], path: Path, published_at: str) -> Path:
    """One workbook: an "Om" sheet, then one sheet per mart."""
    check_rows(found)
    views = {v for (v,) in con.execute("select view_name from duckdb_views() where schema_name = 'marts'").fetchall()}
    for mart in (m for m in found if m.name in views):
        # a view (the wide ÖJ pivot: a column per municipality, 290 at national scale) is read
        # once into a temporary table: the sheet's SQL names each column several times
        con.execute(f'create or replace temp table "export_{mart.name}" as select * from {mart.relation}')
        mart.source = f'temp."export_{mart.name}"'
    frame, styles = _frame(con, found, published_at)
    tmp = path.with_name(f".{path.name}.tmp")
    frame_path = path.with_name(f".{path.name}.frame")
    sheets = {f"xl/worksheets/sheet{i}.xml": m for i, m in enumerate(found, start=2)}
    try:
        frame.save(frame_path)
        with (
            zipfile.ZipFile(frame_path) as src,
            zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
        ):
            for item in src.infolist():
                data = src.read(item.filename)
                mart = sheets.get(item.filename)
                if mart is None:
                    dst.writestr(item, data)
                    continue
                with dst.open(item.filename, "w", force_zip64=True) as fh:
                    _sheet_with_rows(con, mart, data.decode("utf-8"), styles[mart.name], fh)
        os.replace(tmp, path)
    finally:  # a failure leaves the previous export, never a half-written file
        frame_path.unlink(missing_ok=True)
        tmp.unlink(missing_ok=True)
    return path


def _frame(con, found: list[Mart], published_at: str):
    """The workbook without data rows: the Om sheet and, per mart, notice row, header with
    comments, frozen panes, widths, and a prototype row 3 whose cells carry each style."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    about = wb.active
    about.title = "Om"
    _about(con, about, found, published_at)
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    styles: dict[str, list] = {}
    for mart in found:
        ws = wb.create_sheet(mart.name[:31])
        ws.cell(row=1, column=1, value=" ".join(mart.notices) or mart.description.split("\n")[0][:250]).font = Font(
            bold=bool(mart.notices), color="C00000" if GENERATED_NOTICE in mart.notices else None
        )
        per_col, all_decimals = [], _decimals(con, mart)
        for i, (name, dtype, text) in enumerate(mart.columns, start=1):
            head = ws.cell(row=HEADER_ROW, column=i, value=name)
            head.font, head.fill = bold, fill
            if text:
                head.comment = Comment(text, "dbt", width=320, height=120)
            decimals = all_decimals.get(name, {None: 0})
            variants = {}
            for offset, d in enumerate(sorted(set(decimals.values()))):
                cell = ws.cell(row=HEADER_ROW + 1 + offset, column=i)
                cell.number_format = number_format(name, dtype, d)
                variants[d] = (HEADER_ROW + 1 + offset, get_column_letter(i))
            per_col.append((name, dtype, decimals, variants))
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(name) + 3))
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
        styles[mart.name] = per_col
    return wb, styles


def _about(con, ws, found: list[Mart], published_at: str) -> None:
    from openpyxl.styles import Font

    provenance = _provenance(con)
    lines = [
        ("Export av FoU Nordvästs datalager", True),
        (f"Publicerad: {published_at} (svensk tid); exporten är gjord ur den publicerade databasen", False),
        ("", False),
        ("Källor", True),
        ("Folkmängd: SCB, Statistikdatabasen (Källa: SCB)", False),
        ("Öppna jämförelser: Kolada (RKA) (Källa: Kolada)", False),
        ("FoU Nordvästs egna poster (budget, uppdrag, förfrågningar …): enhetens egna filer", False),
        ("Beräkningar (andelar, förändringar, per 10 000 invånare, avgifter) är datalagrets egna", False),
        ("", False),
        ("Ursprung (provenance)", True),
        *[(line, False) for line in provenance],
        ("", False),
        ("Värdena är oavrundade; formaten visar dem avrundade. Kolumnernas betydelse: kommentaren på rubriken.", False),
        ("", False),
        ("Blad", True),
    ]
    for r, (text, strong) in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=text).font = Font(bold=strong)
    start = len(lines) + 1
    for c, text in enumerate(("blad", "rader", "beskrivning", "källa och anmärkning"), start=1):
        ws.cell(row=start, column=c, value=text).font = Font(bold=True)
    for r, mart in enumerate(found, start=start + 1):
        ws.cell(row=r, column=1, value=mart.name)
        ws.cell(row=r, column=2, value=mart.rows).number_format = "#,##0"
        ws.cell(row=r, column=3, value=mart.description.split("\n")[0][:500])
        ws.cell(row=r, column=4, value=" ".join(mart.notices))
    for letter, width in zip("ABCD", (34, 10, 90, 60), strict=True):
        ws.column_dimensions[letter].width = width


def _provenance(con) -> list[str]:
    out = []
    queries = {
        "ÖJ-värden (fct_oj_results.value_provenance)": "select value_provenance, count(*) from marts.fct_oj_results "
        "group by 1 order by 1",
        "Folkmängd (fct_population.source_mode)": "select source_mode, count(*) from marts.fct_population "
        "group by 1 order by 1",
    }
    for label, sql in queries.items():
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.Error:
            continue
        out.append(f"{label}: " + ", ".join(f"{k}: {n:,} rader".replace(",", " ") for k, n in rows))
    return out


def _sheet_with_rows(con, mart: Mart, xml: str, per_col: list, fh) -> None:
    """The frame's sheet XML with the prototype rows replaced by the mart's rows."""
    styles = dict(re.findall(r'<c r="([A-Z]+\d+)" s="(\d+)"', xml))
    cells = []
    for i, (name, dtype, decimals, variants) in enumerate(per_col, start=1):
        s_of = {d: styles.get(f"{letter}{row}", "0") for d, (row, letter) in variants.items()}
        if len(s_of) == 1:
            style = f"'{next(iter(s_of.values()))}'"
        else:
            by = "kpi_id"
            cases = " ".join(
                f"when '{k.replace(chr(39), chr(39) * 2)}' then '{s_of[d]}'" for k, d in decimals.items() if k
            )
            style = f"case \"{by}\" {cases} else '{s_of[min(s_of)]}' end"
        cells.append(_cell_sql(i, name, dtype, style))
    first = HEADER_ROW + 1
    head, _, rest = xml.partition("<sheetData>")
    rows_xml, _, tail = rest.partition("</sheetData>")
    kept = rows_xml.split(f'<row r="{first}"')[0]  # the notice and header rows
    last = max(HEADER_ROW, mart.rows + HEADER_ROW)
    head = re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="A1:{_letter(max(1, len(per_col)))}{last}"', head)
    fh.write((head + "<sheetData>" + kept).encode("utf-8"))
    if cells:
        # Excel wants rows in ascending order: numbered in the sort order and fetched in it
        columns = ", ".join(f'"{name}"' for name, *_ in per_col)
        sql = (
            f"select '<row r=\"' || rn || '\">' || concat({', '.join(cells)}) || '</row>' from "
            f"(select *, row_number() over (order by {columns}) + {HEADER_ROW} as rn from {mart.relation}) "
            "order by rn"
        )
        result = con.execute(sql)
        while batch := result.fetchmany(20_000):
            fh.write("".join(r[0] for r in batch).encode("utf-8"))
    fh.write(("</sheetData>" + tail).encode("utf-8"))


# ------------------------------------------------------------------------- the command and the step


def export(db: Path, out: Path, fmt: str = "xlsx", names: list[str] | None = None) -> list[Path]:
    """The marts of the published file `db` in `fmt` under `out`; returns the files written."""
    if fmt not in FORMATS:
        raise FouError(f"unknown export format {fmt!r} (xlsx, parquet or csv-sv)")
    out.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute("pragma disable_progress_bar")
        found = marts(con, names)
        if fmt == "xlsx":
            return [write_xlsx(con, found, out / "fou_nordvast_marts.xlsx", publication(con))]
        folder = out / ("parquet" if fmt == "parquet" else "csv")
        folder.mkdir(exist_ok=True)
        write = write_parquet if fmt == "parquet" else write_csv_sv
        return [write(con, mart, folder) for mart in found]
