"""The deck for the meeting of 2026-02-26 read back with python-pptx, from the bundled records,
which hold what the seed deck names (../shared/seeds/styrgruppsmote-2026-02-26.txt: the plan
in records/plan.csv, the VB25 work in assignments.csv and activities.csv): every Kärnbudskap,
the named work per goal with its municipalities, the plan with its statuses, dated events in
date order, no 0 where the marts have no rows, the agenda equal to the slides' titles, no text
under 12 pt, every shape inside the slide, and a second template that changes the look and
nothing else."""

from __future__ import annotations

import re
import shutil
from datetime import date

import duckdb
import pytest
from pptx import Presentation
from pptx.util import Pt

from report.build import build


def real_copy_and_a_secret(con) -> None:
    """N31816 as real values through a third-party copy (issue 25), and Solna's 2025 value of
    U33401 withheld by Kolada as "..", sekretess."""
    con.execute(
        "update marts.fct_oj_results set value_provenance = 'kolada-copy', is_generated = false where kpi_id = 'N31816'"
    )
    con.execute(
        "update marts.fct_oj_results set value = null, status = '..', quartile = null, quartile_colour = null "
        "where kpi_id = 'U33401' and year = 2025 and municipality_name = 'Solna' and sex = 'T'"
    )


@pytest.fixture(scope="module")
def db(bundled_warehouse, tmp_path_factory):
    path = tmp_path_factory.mktemp("meeting") / "published.duckdb"
    shutil.copyfile(bundled_warehouse.published_db, path)
    with duckdb.connect(str(path)) as con:
        real_copy_and_a_secret(con)
    return path


@pytest.fixture(scope="module")
def deck(db, tmp_path_factory):
    _h, _p, pptx = build(db, tmp_path_factory.mktemp("deck"), pdf=False, on=date(2026, 2, 26))
    return Presentation(str(pptx))


def texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out += [p.text for p in shape.text_frame.paragraphs]
        if shape.has_table:
            out += [c.text for row in shape.table.rows for c in row.cells]
    return out


def title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def slides(prs, start: str) -> list:
    return [s for s in prs.slides if title(s).startswith(start)]


def test_every_key_message_is_on_the_summary_slide(deck, db):
    with duckdb.connect(str(db), read_only=True) as con:
        points = con.execute(
            "select heading, body from marts.fct_meeting_points where meeting_date = '2026-02-26'"
        ).fetchall()
    shown = " ".join(texts(slides(deck, "Styrgruppsammanfattning")[0]))
    assert points and all(h in shown and (b or "") in shown for h, b in points)


def test_named_work_per_goal_with_its_municipalities(deck, db):
    """Every assignment of 2025 the records name (the seed's "Producera kunskap VB25" among
    them) is listed under its goal, with its municipalities."""
    produce = " ".join(t for s in slides(deck, "Producera kunskap – Verksamhetsberättelse 2025") for t in texts(s))
    assert "• Hemlöshetskartläggning – Solna" in produce
    assert "• Tillit – ett kunskapsunderlag" in produce and "tillit till socialtjänsten – Järfälla" in produce
    assert "Genomlysning av Kronpärmerna" in produce and "ROC – Regionalt operativt centrum" in produce
    assert "familjerätt" in produce
    with duckdb.connect(str(db), read_only=True) as con:
        named = con.execute("select goal, item_name from marts.fct_work_items where year = 2025").fetchall()
    for goal, name in named:
        shown = " ".join(t for s in slides(deck, f"{goal.capitalize()} – Verksamhetsberättelse 2025") for t in texts(s))
        assert name in shown, (goal, name)
    summary = next(sh.table for sh in slides(deck, "Verksamhetsberättelse 2025 – per mål")[0].shapes if sh.has_table)
    rows = {r.cells[0].text: [c.text for c in r.cells][1:] for r in summary.rows}
    assert rows["Producera kunskap"] == ["5", "0"]  # the seed's five knowledge products of 2025


def test_the_plan_with_statuses_and_dated_events_in_order(deck):
    support = texts(slides(deck, "Stöd till utveckling – VP 2026")[0])
    assert any(t.endswith("NUSO nätverk (norra) tillsammans med FoU Nordost – OKLART") for t in support)
    assert any("lärprocessen om Nya SoL (2026–2028) – OK" in t for t in support)
    produce = " ".join(texts(slides(deck, "Producera kunskap – VP 2026")[0]))
    assert "förskolepersonal – Sigtuna (Under förutsättning av medel beviljas av FORTE)" in produce
    events = [t for t in texts(slides(deck, "Sprida kunskap – VP 2026")[0]) if t.startswith("• ")]
    dated = [e.split()[1] for e in events if re.fullmatch(r"\d+/\d+", e.split()[1])]
    assert dated == ["27/3", "8/5", "29/5", "30/9", "16/10", "10/11"]  # in date order, as the seed's dates
    networks = texts(slides(deck, "Främja samverkan – nätverk – VP 2026")[0])
    assert [n.split(":")[0] for n in networks if ":" in n][:3] == ["Delregionalt", "Regionalt", "Nationellt"]
    assert "✓ Nytt avtal och formering av ny struktur för styrning" in texts(slides(deck, "Fokus 2026")[0])


def test_no_zero_where_the_marts_have_no_rows(db, tmp_path):
    """A year whose records count no assignment (here 2025's taken out of the marts): every
    Kommunblad says "uppgift saknas" for it, never 0."""
    path = tmp_path / "no_assignments.duckdb"
    shutil.copyfile(db, path)
    with duckdb.connect(str(path)) as con:
        con.execute("delete from marts.fct_follow_up_by_municipality where year = 2025 and item_type = 'uppdrag'")
    _h, _p, pptx = build(path, tmp_path, pdf=False, on=date(2026, 2, 26))
    for s in slides(Presentation(str(pptx)), "Kommunblad – "):
        table = next(sh.table for sh in s.shapes if sh.has_table)
        cells = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(1, len(table.rows))}
        assert cells["Uppdrag"] == "uppgift saknas"


def test_oj_sources_status_codes_and_generated_notices(deck):
    """Real values (a copy) carry the copy's caption and no generated notice; a withheld value
    shows Kolada's ".." with the legend, and no colour; generated values name their KPIs."""
    money = " ".join(texts(slides(deck, "Öppna jämförelser – ekonomiskt bistånd")[0]))
    assert "Källa: Kolada (kopia, ej kontrollerad mot kolada.se)" in money
    assert "genererade värden" not in money
    young = slides(deck, "Öppna jämförelser – barn och unga")[0]
    shown = " ".join(texts(young))
    assert "genererade värden, inte officiell statistik: U33401, U33816" in shown  # both still generated
    assert ".. sekretess" in shown and "Beräknat av FoU Nordväst från Kolada/SCB" in shown
    table = next(sh.table for sh in young.shapes if sh.has_table)
    col = [c.text for c in table.rows[0].cells].index("Solna")
    assert table.cell(1, col).text == ".."
    assert table.cell(1, col).fill.type is None  # no quartile colour without a value


def test_the_fee_page_names_the_newest_decided_fee_and_the_fee_free_year(deck, db):
    from report.pages.fees import fee_table

    shown = " ".join(texts(slides(deck, "Intäkter från delägare")[0]))
    assert "Senaste beslutade avgift: 2019" in shown and "2022: avgiftsfritt år enligt beslut" in shown
    assert "Källa: SCB" in shown
    with duckdb.connect(str(db), read_only=True) as con:
        assert fee_table(con, 2022).title == "Intäkter från delägare 2022 – avgiftsfritt år enligt beslut"


def test_agenda_entries_are_slide_titles(deck):
    agenda = [t.removeprefix("• ") for t in texts(deck.slides[0]) if t.startswith("• ")]
    titles = [title(s) for s in list(deck.slides)[1:]]
    assert agenda and all(a in titles for a in agenda)
    assert "Verksamhetsberättelse 2025" in agenda and "Verksamhetsplan 2026" in agenda


def test_no_text_under_12_pt_and_every_shape_inside(deck):
    for i, s in enumerate(deck.slides, start=1):
        for shape in s.shapes:
            assert 0 <= shape.left and shape.left + shape.width <= deck.slide_width, (i, shape.name)
            assert 0 <= shape.top and shape.top + shape.height <= deck.slide_height, (i, shape.name)
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames += [c.text_frame for row in shape.table.rows for c in row.cells]
            sizes = [r.font.size for f in frames for p in f.paragraphs for r in p.runs if r.font.size]
            assert all(sz >= Pt(12) for sz in sizes), (i, title(s), shape.name)
            if shape.has_chart:
                assert shape.chart.font.size is None or shape.chart.font.size >= Pt(12), (i, title(s))


def test_the_next_meeting_s_oj_tables_have_values(db, tmp_path):
    """The deck for 2027-02-25 covers 2026, for which no ÖJ value exists: it shows 2025 and says so."""
    _h, _p, pptx = build(db, tmp_path, pdf=False, on=date(2027, 2, 25))
    prs = Presentation(str(pptx))
    oj = [s for s in slides(prs, "Öppna jämförelser –") if "(forts.)" not in title(s)]
    assert oj
    for s in oj:
        assert any("Avser 2025" in t for t in texts(s))
        table = next(sh.table for sh in s.shapes if sh.has_table)
        values = [table.cell(1, c).text for c in range(1, len(table.columns))]
        assert any(v not in ("–", "") for v in values), title(s)


def test_a_second_template_changes_the_look_and_nothing_else(db, deck, tmp_path):
    from report.deck import build_deck
    from report.pages import meeting, pages
    from report.template import make_template

    other = make_template(tmp_path / "other.pptx", accents=["8B0000", "006400", "00008B", "444444"], font="Georgia")
    with duckdb.connect(str(db), read_only=True) as con:
        mt = meeting(con, 2025, date(2026, 2, 26))
        content = pages(mt)
    prs = Presentation(str(build_deck(mt, tmp_path / "other_deck.pptx", content, other)))
    assert [texts(s) for s in prs.slides] == [texts(s) for s in deck.slides]
    theme = prs.slide_master.part.part_related_by(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"
    ).blob
    assert b"Georgia" in theme and b"8B0000" in theme


def test_one_kommunblad_pdf_per_member_named_after_it(db, tmp_path):
    import pypdfium2 as pdfium

    members = ["Ekerö", "Järfälla", "Sigtuna", "Sollentuna", "Solna", "Sundbyberg", "Upplands-Bro", "Upplands Väsby"]
    files = build(db, tmp_path, pdf=False, on=date(2026, 2, 26), kommunblad=True)[3:]
    assert [f.name for f in files] == [f"kommunblad_{m.replace(' ', '_')}_2026-02-26.pdf" for m in members]
    for name, f in zip(members, files):
        doc = pdfium.PdfDocument(str(f))
        text = doc[0].get_textpage().get_text_range()
        assert f"Kommunblad – {name}" in text and "Innehåll" not in text
        assert "genererade värden, inte officiell statistik" in text  # its ÖJ quartiles are generated values
        doc.close()
