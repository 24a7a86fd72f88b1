"""The steering-group deck (PPTX) read back with python-pptx: figures agree with the marts,
every shape lies inside the slide, unknown decision splits are no bars, and fee shares are
the exact ratio rounded half up to one decimal."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pytest
from pptx import Presentation

from report import fmt
from report.build import build


@pytest.fixture(scope="module")
def deck(bundled_warehouse, tmp_path_factory):
    db = bundled_warehouse.published_db
    out = tmp_path_factory.mktemp("deck")
    _html, _pdf, pptx = build(db, out, 2025, pdf=False, on=date(2026, 2, 26))
    con = duckdb.connect(str(db), read_only=True)
    yield Presentation(str(pptx)), con
    con.close()


def _texts(slide) -> list[str]:
    out = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            out.append(shape.text_frame.text)
        if shape.has_table:
            out += [c.text for row in shape.table.rows for c in row.cells]
    return out


def _slide(prs, title_start: str):
    return next(s for s in prs.slides if _texts(s)[0].startswith(title_start))


def test_every_shape_lies_inside_the_slide(deck):
    prs, _ = deck
    for i, slide in enumerate(prs.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (i, shape.name)
            assert shape.left + shape.width <= prs.slide_width, (i, shape.name)
            assert shape.top + shape.height <= prs.slide_height, (i, shape.name)


def test_key_messages_come_from_the_meeting_record(deck):
    prs, con = deck
    texts = _texts(_slide(prs, "Styrgruppsammanfattning"))
    headings = [
        h
        for (h,) in con.execute(
            "select heading from marts.fct_meeting_points where meeting_date = '2026-02-26' "
            "order by point_type, position"
        ).fetchall()
    ]
    assert "Kraftigt ökad, 69 uppdragsförfrågningar 2025" in texts
    assert all(any(h in t for t in texts) for h in headings)


def test_requests_of_2024_have_no_zero_bars(deck):
    prs, con = deck
    slide = _slide(prs, "Förfrågningar 2025")
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    s2024 = next(s for s in chart.plots[0].series if s.name == "2024")
    assert list(s2024.values) == [41.0, None, None, None]  # total known, split unknown
    s2025 = next(s for s in chart.plots[0].series if s.name == "2025")
    yes, no, pending = con.execute(
        "select n_yes, n_no, n_pending from marts.fct_request_totals where year = 2025"
    ).fetchone()
    assert list(s2025.values) == [69.0, yes, no, pending]
    assert "uppgift saknas" in _texts(slide)


def test_staffing_is_the_newest_list(deck):
    prs, con = deck
    fte = con.execute("select total_fte from marts.fct_staffing_per_year where year = 2026").fetchone()[0]
    assert fmt.number(fte, 2) in _texts(_slide(prs, "Personal 2026"))


def test_generated_values_are_marked_on_every_oj_slide(deck):
    prs, _ = deck
    # the pages, not the section dividers "Öppna jämförelser" and "Kommunblad" before them
    oj = [s for s in prs.slides if _texts(s)[0].startswith(("Öppna jämförelser –", "Kommunblad –"))]
    assert oj
    assert all(any("genererade värden, inte officiell statistik" in t for t in _texts(s)) for s in oj)


def test_fee_shares_and_growth_are_the_exact_ratio_rounded_half_up(bundled_warehouse):
    con = duckdb.connect(str(bundled_warehouse.published_db), read_only=True)
    rows = con.execute(
        "select fee_year, basis_population, previous_population, region_basis_population, "
        "population_share_pct, population_growth_pct from marts.fct_fees"
    ).fetchall()
    con.close()
    assert {r[0] for r in rows} >= {2019}
    for _year, pop, prev, region, share, growth in rows:
        exact_share = Decimal(100 * pop) / Decimal(region)
        exact_growth = Decimal(100 * (pop - prev)) / Decimal(prev)
        one = Decimal("0.1")
        assert fmt.pct(share) == fmt.pct(exact_share.quantize(one, ROUND_HALF_UP))
        assert fmt.pct(growth) == fmt.pct(exact_growth.quantize(one, ROUND_HALF_UP))


def test_half_up_from_the_exact_value():
    assert fmt.pct(Decimal("16.4541")) == "16,5\u00a0%"
    assert fmt.pct(Decimal("2.0517")) == "2,1\u00a0%"
    assert fmt.pct(Decimal("0.05")) == "0,1\u00a0%"
    assert fmt.number(-5) == "\u22125"


def test_each_kommunblad_stands_against_its_similar_municipalities(deck):
    """Per area, better/worse than the member's "Liknande kommuner IFO" group, as the mart says."""
    prs, con = deck
    expected = {
        (name, area): (better, worse)
        for name, area, better, worse in con.execute(
            "select municipality_name, area, kpis_better_than_similar, kpis_worse_than_similar "
            "from marts.rpt_oj_similar_area_summary where year = 2025 and kpis_compared > 0"
        ).fetchall()
    }
    names = {name for name, _ in expected}
    assert len(names) == 8
    for name in names:
        slide = _slide(prs, f"Kommunblad – {name}")
        table = next(
            s.table for s in slide.shapes if s.has_table and s.table.cell(0, 0).text == "Mot liknande kommuner"
        )
        shown = {
            (name, table.cell(r, 0).text): (int(table.cell(r, 1).text), int(table.cell(r, 2).text))
            for r in range(1, len(table.rows))
        }
        assert shown == {k: v for k, v in expected.items() if k[0] == name}


def test_oj_tables_show_each_members_similar_municipalities(deck):
    """Under each indicator, every member's own "Liknande kommuner IFO" mean in its column."""
    prs, con = deck
    means = dict(
        con.execute(
            "select municipality_name, similar_group_mean from marts.fct_oj_results where year = 2025 "
            "and sex = 'T' and is_region_member and kpi_id = 'N31816'"
        ).fetchall()
    )
    slide = _slide(prs, "Öppna jämförelser – ekonomiskt bistånd")
    table = next(s.table for s in slide.shapes if s.has_table)
    header = [c.text for c in table.rows[0].cells]
    rows = list(table.rows)
    n31816 = next(i for i, r in enumerate(rows) if r.cells[0].text.startswith("Vuxna biståndsmottagare"))
    row = rows[n31816 + 1]
    assert row.cells[0].text.strip() == "liknande kommuner (medel)"
    shown = {name: row.cells[header.index(name)].text for name in means}
    assert len(shown) == 8
    for name, mean in means.items():
        one_decimal = Decimal(str(mean)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        assert shown[name].replace("\u00a0", " ") == f"{one_decimal} %".replace(".", ","), (name, shown[name], mean)
