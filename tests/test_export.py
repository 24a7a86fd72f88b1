"""Exports of the marts (ingestion/export.py): the xlsx read back with openpyxl equals the marts
cell for cell, the parquet read back with DuckDB equals them, csv-sv is what Swedish Excel
opens, LibreOffice reads the xlsx, and a mart too big for a sheet is refused, never half written."""

import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest

from ingestion import export, pipeline
from ingestion.errors import FouError
from tests.support.helpers import make_settings

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(scope="module")
def exported(bundled_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    db = bundled_warehouse.published_db
    return db, export.export(db, out, "xlsx")[0], export.export(db, out, "parquet")


def as_in_excel(value):
    """A mart's value as the xlsx holds it: numbers as numbers, dates as (naive) datetimes,
    times in Swedish local time."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.astimezone(STOCKHOLM).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return value


def same(a, b) -> bool:
    if isinstance(a, datetime) and isinstance(b, datetime):
        return abs((a - b).total_seconds()) < 0.01  # an Excel serial keeps about a millisecond
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return a == b and type(a) is type(b) or (isinstance(a, int | float) and isinstance(b, int | float) and a == b)


def test_xlsx_read_back_equals_the_marts_cell_for_cell(exported):
    db, xlsx, _ = exported
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    with duckdb.connect(str(db), read_only=True) as con:
        marts = export.marts(con)
        assert wb.sheetnames == ["Om"] + [m.name for m in marts]
        for mart in marts:
            rows = con.execute(f"select * from {mart.relation} order by all").fetchall()
            sheet = list(wb[mart.name].iter_rows(values_only=True))
            assert list(sheet[1]) == [c[0] for c in mart.columns], mart.name
            data = [r[: len(mart.columns)] for r in sheet[2:]]
            assert len(data) == len(rows), mart.name
            for want, got in zip(rows, data, strict=True):
                for col, w, g in zip(mart.columns, want, got, strict=True):
                    assert same(as_in_excel(w), g), (mart.name, col[0], w, g)


def test_xlsx_codes_text_formats_comments_and_notices(exported):
    db, xlsx, _ = exported
    wb = openpyxl.load_workbook(xlsx)  # comments and formats: the full reader, on a few sheets
    fees = wb["fct_fees"]
    header = {c.value: c for c in fees[2]}
    code = fees.cell(row=3, column=header["municipality_code"].column)
    assert code.data_type == "s" and code.value.startswith("0") and code.number_format == "@"
    assert fees.cell(row=3, column=header["basis_population"].column).number_format == "#,##0"
    assert fees.cell(row=3, column=header["fee_year"].column).number_format == "0"
    assert fees.cell(row=3, column=header["population_share_pct"].column).number_format.endswith('" %"')
    with duckdb.connect(str(db), read_only=True) as con:
        comment = con.execute(
            "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_fees' "
            "and column_name = 'fee_kr'"
        ).fetchall()[0][0]
    assert header["fee_kr"].comment.text == comment
    assert fees["A1"].value == "Källa: SCB (folkmängd)"
    oj = wb["fct_oj_results"]
    assert oj["A1"].value.startswith("OBS: bladet innehåller genererade ÖJ-värden")
    assert wb["fct_budget"]["A1"].value and "Källa" not in wb["fct_budget"]["A1"].value  # the warehouse's own
    assert wb["fct_population"]["A1"].value == "Källa: SCB"
    about = "\n".join(str(c.value) for c in wb["Om"]["A"] if c.value)
    assert "Publicerad: " in about and "Källa: SCB" in about and "Källa: Kolada" in about
    assert "generated" in about  # the ÖJ values' provenance


def test_kolada_captions_follow_the_values_provenance(tmp_path):
    db = tmp_path / "p.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_oj_results as select * from (values ('N1', 'kolada'), ('N31807', 'kolada-copy')) "
            "t(kpi_id, value_provenance)"
        )
        (mart,) = export.marts(con)
    assert mart.notices == ["Källa: Kolada", "Källa: Kolada (kopia, ej kontrollerad mot kolada.se)"]


def test_parquet_read_back_equals_the_marts_with_descriptions(exported):
    db, _, files = exported
    with duckdb.connect(str(db), read_only=True) as con:
        for mart in export.marts(con):
            path = next(f for f in files if f.stem == mart.name)
            rel = f"read_parquet('{path}')"
            assert con.execute(f"select count(*) from {rel}").fetchall()[0][0] == mart.rows
            for a, b in ((mart.relation, rel), (rel, mart.relation)):
                diff = f"select count(*) from (select * from {a} except all select * from {b})"
                assert con.execute(diff).fetchall() == [(0,)], mart.name
            schema = pq.read_schema(path)
            for name, _, text in mart.columns:
                if text:
                    assert schema.field(name).metadata[b"description"].decode() == text


def test_csv_sv_semicolon_decimal_comma_bom(bundled_warehouse, tmp_path):
    (path,) = export.export(bundled_warehouse.published_db, tmp_path, "csv-sv", ["fct_fees"])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("fee_year;municipality_code;municipality_name;")
    first = lines[1].split(";")
    assert first[1].startswith("0") and "," in first[6] and "." not in first[6]  # code; population_share_pct
    assert first[11] in ("ja", "nej")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_reads_the_xlsx(bundled_warehouse, tmp_path):
    """A real spreadsheet program opens the file: each sheet converted to CSV by LibreOffice
    headless holds the marts' values (codes with their leading zero)."""
    db = bundled_warehouse.published_db
    (xlsx,) = export.export(db, tmp_path, "xlsx", ["fct_fees", "fct_budget", "dim_goal"])
    csv_filter = "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", csv_filter]
        + ["--outdir", str(tmp_path / "csv"), str(xlsx)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with duckdb.connect(str(db), read_only=True) as con:
        for name in ("fct_fees", "fct_budget", "dim_goal"):
            lines = (tmp_path / "csv" / f"{xlsx.stem}-{name}.csv").read_text(encoding="utf-8").splitlines()
            rows = con.execute(f"select * from marts.{name} order by all").fetchall()
            assert len(lines) == len(rows) + 2
            for want, line in zip(rows, lines[2:], strict=False):
                cells = next(iter(__import__("csv").reader([line], delimiter=";")))
                for w, g in zip(want, cells, strict=True):
                    if w is None:
                        assert g == ""
                    elif isinstance(w, bool):
                        assert g == ("TRUE" if w else "FALSE")
                    elif isinstance(w, int | float | Decimal):
                        assert float(g) == pytest.approx(float(w), rel=1e-12)
                    elif isinstance(w, datetime):
                        assert g.startswith(w.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M"))
                    else:
                        assert g == str(w)


def test_xlsx_refuses_a_mart_over_excels_rows_and_writes_nothing(tmp_path):
    db = tmp_path / "big.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.small as select 1 as x")
        con.execute(f"create table marts.fct_big as select range as x from range({export.EXCEL_MAX_ROWS - 1})")
    with pytest.raises(FouError) as err:
        export.export(db, tmp_path / "out", "xlsx")
    assert "\n" not in str(err.value) and "fct_big has 1 048 575 rows" in str(err.value)
    assert "small" not in str(err.value)
    assert list((tmp_path / "out").iterdir()) == []


def test_the_dag_step_skips_an_unchanged_publication(bundled_warehouse):
    first = pipeline.export(bundled_warehouse)
    assert not first.skipped and any(f.endswith(".xlsx") for f in first.files)
    assert sum(f.endswith(".parquet") for f in first.files) == len(first.files) - 1
    again = pipeline.export(bundled_warehouse)
    assert again.skipped and again.files == first.files
    assert again.summary() == "unchanged publication, exports kept"


def test_a_new_publication_in_the_same_minute_is_exported_again(bundled_warehouse, tmp_path, monkeypatch):
    """The skip compares the exact published_at: a restore seconds after a load is a new publication."""
    settings = make_settings(monkeypatch, tmp_path / "data")
    settings.published_db.parent.mkdir(parents=True)
    shutil.copyfile(bundled_warehouse.published_db, settings.published_db)
    assert not pipeline.export(settings).skipped
    with duckdb.connect(str(settings.published_db)) as con:
        con.execute("update main.publication set published_at = published_at + interval 5 second")
    assert not pipeline.export(settings).skipped
    assert pipeline.export(settings).skipped


def test_the_commands(tmp_path):
    """`fou templates --out` writes one template per format; `fou export` without a published
    database is the usual one line."""
    import os
    import sys
    from pathlib import Path

    fou = str(Path(sys.executable).with_name("fou"))
    env = {k: v for k, v in os.environ.items() if k != "FOU_DATA_DIR"}

    def run(*args):
        cmd = [fou, "--data-dir", str(tmp_path / "data"), *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)

    done = run("templates", "--out", str(tmp_path / "mallar"))
    assert done.returncode == 0, done.stderr
    assert "förfrågningar_mall.xlsx" in {p.name for p in (tmp_path / "mallar").iterdir()}
    for args in (["export"], ["export", "--format", "csv-sv", "--marts", "fct_fees"]):
        failed = run(*args)
        assert failed.returncode == 1 and failed.stderr.count("\n") == 1
        assert failed.stderr.startswith("fou: inget publicerat datalager i ")
