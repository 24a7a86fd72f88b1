"""What staff are told about their files: formula cells without a saved value, row numbers as
Excel shows them, a suggestion for a misspelt value, a Mac (NFD) file name, and the intake
report next to the inbox in Stockholm time; the quarantine as it stands after a correction."""

import re
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import openpyxl
import pytest

from ingestion import warehouse
from ingestion.records import intake
from ingestion.records.formats import format_for, formats
from ingestion.records.parse import UNSAVED_FORMULA, validate
from ingestion.settings import Settings

FMTS = formats(Settings().members)
HEADER = ["förfrågan_id", "år", "ursprung", "beslut", "antal", "källa"]


@pytest.fixture
def s(inbox_settings):
    return inbox_settings


def workbook(path, rows):
    """An .xlsx as a script writes it: openpyxl saves formulas without a cached value."""
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_formula_without_saved_value_is_quarantined_not_read_as_empty(tmp_path):
    path = workbook(
        tmp_path / "förfrågningar_formler.xlsx",
        [HEADER, ["F1", 2026, "Solna", "ja", "=2+3", "x"], ["F2", "=2020+6", "Solna", "ja", 4, "x"]],
    )
    good, problems = validate(path, FMTS["requests"])
    assert len(good) == 0  # =2+3 never becomes one request (empty antal = 1)
    assert [(p.row, p.field) for p in problems] == [(2, "antal"), (3, "år")]
    assert all(UNSAVED_FORMULA in p.problem for p in problems)
    assert "(formeln: =2+3)" in problems[0].problem and "(formeln: =2020+6)" in problems[1].problem
    assert "är tomt" not in problems[1].problem  # the sender is not told the year is empty
    assert "antal==2+3" in problems[0].raw


def test_formula_with_a_saved_value_is_read_as_its_value(tmp_path):
    path = workbook(tmp_path / "förfrågningar.xlsx", [HEADER, ["F1", 2026, "Solna", "ja", "=2+3", "x"]])
    # give the formula a cached value as Excel does on save: rewrite the cell XML's <v>
    import zipfile

    src = zipfile.ZipFile(path)
    sheet = src.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>2+3</f><v></v>" in sheet
    out = tmp_path / "förfrågningar_sparad.xlsx"
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.replace("<f>2+3</f><v></v>", "<f>2+3</f><v>5</v>").encode()
            dst.writestr(item, data)
    good, problems = validate(out, FMTS["requests"])
    assert problems == [] and good["antal"].tolist() == [5]


def test_excel_row_numbers_count_blank_rows_and_comments(tmp_path):
    path = workbook(
        tmp_path / "förfrågningar.xlsx",
        [HEADER, ["F1", 2026, "Solna", "ja", None, "x"], [], ["# kommentar"], ["F2", 2026, "Täby", "ja", None, "x"]],
    )
    good, problems = validate(path, FMTS["requests"])
    assert good["source_row"].tolist() == [2] and [p.row for p in problems] == [5]


def test_suggestion_for_a_misspelt_value():
    with pytest.raises(ValueError, match=r"okänt värde 'pagaende': menade du 'pågående'\?"):
        FMTS["requests"].fields[5].parse("pagaende")
    with pytest.raises(ValueError, match=r"'kanske' är inte ett tillåtet värde"):  # nothing close: no guess
        FMTS["requests"].fields[5].parse("kanske")


def test_mac_file_name_matches_its_format():
    nfd = unicodedata.normalize("NFD", "förfrågningar_mars.csv")
    assert nfd != "förfrågningar_mars.csv"
    assert format_for(nfd, FMTS).name == "requests"


def test_inbox_file_with_blank_rows_comment_nfd_name_and_typo(s):
    name = unicodedata.normalize("NFD", "förfrågningar_april.csv")
    text = (
        "förfrågan_id;år;ursprung;beslut;källa\n"  # row 1
        "A1;2026;Solna;ja;diariet\n"  # row 2
        "\n"  # row 3: blank
        "# inlagt av Eva\n"  # row 4: comment
        "A2;2026;Järfälla;pagaende;diariet\n"  # row 5: the typo
        ";;;;\n"  # row 6: empty cells only
        "A3;2026;Sigtuna;nej;diariet\n"  # row 7
    )
    (s.inbox / name).write_text(text, encoding="utf-8")
    result = intake.load_records(s)
    r = result.files[f"inbox/{name}"]
    assert (r.record_type, r.loaded, r.quarantined) == ("requests", 2, 1)
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        loaded = con.execute("select förfrågan_id, source_row from raw.records_requests order by 1").fetchall()
    assert loaded == [("A1", 2), ("A3", 7)]
    report = s.inbox / "rapporter" / f"intag_{warehouse.now().astimezone(ZoneInfo('Europe/Stockholm')).date()}.txt"
    assert result.report == str(report)
    text = report.read_text(encoding="utf-8")
    assert f"inbox/{name}, rad 5: beslut: okänt värde 'pagaende': menade du 'pågående'?" in text
    assert (s.reports_dir / report.name.replace("intag_", "intake_")).read_text(encoding="utf-8") == text
    stamp = datetime.strptime(re.search(r"Intag av postfiler (\S+ \S+) \(svensk tid\)", text)[1], "%Y-%m-%d %H:%M")
    local = warehouse.now().astimezone(ZoneInfo("Europe/Stockholm")).replace(tzinfo=None)
    assert abs((local - stamp).total_seconds()) < 120  # Stockholm time, not UTC (1–2 h apart)


def test_current_quarantine_forgets_a_file_sent_again_corrected(s):
    bad = "förfrågan_id;år;ursprung;beslut;källa\nB1;2026;Solna;kanske;x\n"
    (s.inbox / "förfrågningar_maj.csv").write_text(bad, encoding="utf-8")
    (s.inbox / "förfrågningar_juni.csv").write_text(bad.replace("B1", "B2"), encoding="utf-8")
    intake.load_records(s)
    (s.inbox / "förfrågningar_maj.csv").write_text(bad.replace("kanske", "ja"), encoding="utf-8")
    intake.load_records(s)
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        every = con.execute("select file_name from raw.records_quarantine order by 1").fetchall()
        current = con.execute("select file_name from raw.records_quarantine_current").fetchall()
    assert every == [("förfrågningar_juni.csv",), ("förfrågningar_maj.csv",)]  # history is kept
    assert current == [("förfrågningar_juni.csv",)]
