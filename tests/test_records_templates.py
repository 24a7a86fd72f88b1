"""Excel templates made from the record formats (ingestion/records/templates.py): drop-downs
equal to the formats' vocabulary, and the round trip: a template filled in and dropped in the
inbox loads exactly the rows written, with nothing quarantined."""

from datetime import date, datetime

import duckdb
import openpyxl
import pytest

from ingestion.records import intake, templates
from ingestion.records.formats import formats
from ingestion.records.read import cell_text


@pytest.fixture
def s(inbox_settings):
    return inbox_settings


def dropdowns(path) -> dict[str, list[str]]:
    """Column name → the values of its drop-down list, as Excel resolves the list's range."""
    wb = openpyxl.load_workbook(path)
    ws, lists = wb.worksheets[0], wb[templates.LISTS_SHEET]
    header = {c.column_letter: c.value for c in ws[1]}
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type != "list":
            continue
        letter = str(dv.sqref).split(":")[0].rstrip("0123456789")
        sheet, cells = dv.formula1.split("!")
        assert sheet.strip("'") == templates.LISTS_SHEET
        first, last = cells.replace("$", "").split(":")
        out[header[letter]] = [c[0].value for c in lists[f"{first}:{last}"]]
    return out


def test_every_format_has_a_template_whose_dropdowns_are_its_vocabulary(s):
    fmts = formats(s.members)
    paths = templates.refresh_templates(s)
    assert sorted(p.name for p in paths) == sorted(templates.template_name(f) for f in fmts.values())
    names = sorted(s.members.values())
    for fmt in fmts.values():
        path = s.inbox / templates.FOLDER / templates.template_name(fmt)
        lists = dropdowns(path)
        for f in fmt.fields:
            if hasattr(f.parse, "allowed"):
                assert lists.pop(f.name) == list(f.parse.allowed), (fmt.name, f.name)
            elif hasattr(f.parse, "members"):
                extra = ["samtliga"] if getattr(f.parse, "several", False) else []
                assert lists.pop(f.name) == names + extra + list(getattr(f.parse, "others", ())), (fmt.name, f.name)
            elif f.parse.__name__ == "as_bool":
                assert lists.pop(f.name) == ["ja", "nej"]
        assert lists == {}, f"{fmt.name}: drop-downs on no vocabulary column: {lists}"
        wb = openpyxl.load_workbook(path)
        ws = wb.worksheets[0]
        assert [c.value for c in ws[1]] == [f.name for f in fmt.fields]
        assert ws.freeze_panes == "A2"
        for cell, f in zip(ws[1], fmt.fields, strict=True):
            assert ("Obligatorisk" if f.required else "Valfri") in cell.comment.text
            assert "Exempel: " in cell.comment.text
        row2 = {h.value: cell_text(c.value) for h, c in zip(ws[1], ws[2], strict=True)}
        if "exempel" in row2:
            assert row2["exempel"] == "ja"
        instructions = "\n".join(str(c.value) for c in wb[templates.INSTRUCTIONS_SHEET]["A"] if c.value)
        assert f"börjar med {templates.file_stem(fmt)}" in instructions and str(s.inbox) in instructions


def test_the_municipality_lists_are_the_regions_own(s):
    members = {"0126": "Huddinge", "0127": "Botkyrka"}  # Södertörn, say: its members, not Nordväst's
    path = templates.write_template(formats(members)["requests"], s.inbox / "x" / "förfrågningar_mall.xlsx")
    assert dropdowns(path)["ursprung"] == ["Botkyrka", "Huddinge", "extern", "okänd"]


REQUESTS = [  # as a person types them into the template, and Excel stores them
    ["2026-101", 2026, datetime(2026, 3, 2), "Solna", None, "ja", "andra linjen", None, "Nätverk", "diariet", "nej"],
    ["2026-102", 2026, datetime(2026, 3, 9), "extern", "Region Stockholm", "pågående", None, 2, None, "diariet", "nej"],
    ["2026-103", 2026, None, "Upplands Väsby", None, "nej", "första linjen", 1, "Ett ärende", "diariet", None],
]
BUDGET = [
    [2026, "personal", 4060.5, None, "Personal", "Budget 2026", "nej"],
    [2026, "it", 120, 98.25, None, "VB", None],
]


def fill(template, rows, path):
    """The template with rows written from row 3 (the example row left as it is)."""
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    for r, values in enumerate(rows, start=3):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)


def test_round_trip_a_filled_template_loads_exactly_the_rows_written(s):
    templates.refresh_templates(s)
    folder = s.inbox / templates.FOLDER
    fill(folder / "förfrågningar_mall.xlsx", REQUESTS, s.inbox / "förfrågningar_2026-03.xlsx")
    fill(folder / "driftredovisning_mall.xlsx", BUDGET, s.inbox / "driftredovisning_2026.xlsx")
    result = intake.load_records(s)
    # the templates in inbox/mallar are not taken in; the two filled files are, whole
    assert sorted(result.files) == ["inbox/driftredovisning_2026.xlsx", "inbox/förfrågningar_2026-03.xlsx"]
    got = {n: (f.status, f.loaded, f.quarantined) for n, f in result.files.items()}
    assert got == {
        "inbox/förfrågningar_2026-03.xlsx": ("loaded", 3, 0),
        "inbox/driftredovisning_2026.xlsx": ("loaded", 2, 0),
    }
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        requests = con.execute(
            "select förfrågan_id, datum, ursprung, avsändare, beslut, linje, antal::int, exempel, source_row "
            "from raw.records_requests order by 1"
        ).fetchall()
        budget = con.execute("select kategori, budget_tkr, utfall_tkr from raw.records_budget order by 1").fetchall()
    assert requests == [
        ("2026-101", "2026-03-02", "0184", None, "ja", "andra linjen", None, "false", 3),
        ("2026-102", "2026-03-09", "extern", "Region Stockholm", "pågående", None, 2, "false", 4),
        ("2026-103", None, "0114", None, "nej", "första linjen", 1, None, 5),
    ]
    assert budget == [("it", "120", "98.25"), ("personal", "4060.5", None)]


def test_a_value_outside_a_dropdown_gets_the_intakes_message(s):
    templates.refresh_templates(s)
    rows = [["2026-201", 2026, None, "Solna", None, "kanske", None, None, None, "diariet", "nej"], REQUESTS[0]]
    fill(s.inbox / templates.FOLDER / "förfrågningar_mall.xlsx", rows, s.inbox / "förfrågningar_april.xlsx")
    result = intake.load_records(s)
    f = result.files["inbox/förfrågningar_april.xlsx"]
    assert (f.loaded, f.quarantined) == (1, 1)
    text = open(result.report, encoding="utf-8").read()
    assert (
        "förfrågningar_april.xlsx, rad 3: beslut: 'kanske' är inte ett tillåtet värde "
        "(tillåtna: ja, nej, pågående, okänt)"
    ) in text


def test_every_template_round_trips_its_own_example_row(s):
    """Generic, so a new format is covered too: each template with one real row (the example
    row changed into a real one below it) loads that row only; the unchanged example is skipped."""
    fmts = formats(s.members)
    for fmt in fmts.values():
        texts = templates.example_texts(fmt)
        if "exempel" in texts:
            texts["exempel"] = "nej"
        else:  # a format without an exempel column: a real row differs in some text
            texts[next(f.name for f in fmt.fields if f.parse.__name__ == "as_text")] = "Riktig rad"
        row = [_typed(texts.get(f.name, ""), f) for f in fmt.fields]
        path = templates.write_template(fmt, s.data_dir / "t" / templates.template_name(fmt))
        fill(path, [row], s.inbox / f"{templates.file_stem(fmt)}_test.xlsx")
    result = intake.load_records(s)
    assert {n: (f.loaded, f.quarantined) for n, f in result.files.items()} == {
        f"inbox/{templates.file_stem(fmt)}_test.xlsx": (1, 0) for fmt in fmts.values()
    }


def _typed(text, f):
    """The cell Excel stores for what a person types: numbers, dates, text."""
    if not text:
        return None
    if f.parse.__name__ == "as_date":
        return date.fromisoformat(text)
    if f.parse.__name__ in ("as_year", "as_int", "as_count", "as_decimal", "as_share"):
        number = float(text.replace(",", "."))
        return int(number) if number.is_integer() else number
    return text
