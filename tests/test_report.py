"""The steering-group report: built from a published warehouse made from the bundled data; its
figures are read back FROM THE HTML and compared with the marts and with the unit's own
documents; it renders in headless Chromium and its PDF converts to images."""

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from report.base import GENERATED_NOTICE
from report.build import build
from tests.support.report_html import by_first_column, num

PROJECT_DIR = Path(__file__).resolve().parent.parent
MEMBERS = ["Ekerö", "Järfälla", "Sigtuna", "Sollentuna", "Solna", "Sundbyberg", "Upplands-Bro", "Upplands Väsby"]


@pytest.fixture(scope="module")
def published(bundled_report):
    return bundled_report


# ------------------------------------------------------------------ fees


def test_fee_table_2019_matches_the_mart_and_the_2019_plan(published):
    rows = by_first_column(published["t2019"].tables["fee-table"])
    assert list(rows)[:8] == MEMBERS  # the plan's order: Upplands-Bro before Upplands Väsby
    mart = {
        r[0]: r[1:]
        for r in published["con"]
        .execute(
            "select municipality_name, basis_population, previous_population, population_share_pct, "
            "population_growth_pct, rate_per_inhabitant, fee_kr from marts.fct_fees where fee_year = 2019"
        )
        .fetchall()
    }
    for name in MEMBERS:
        pop, prev, share, growth, rate, fee = (num(c) for c in rows[name])
        m_pop, m_prev, m_share, m_growth, m_rate, m_fee = mart[name]
        assert (pop, prev, fee) == (m_pop, m_prev, m_fee)
        assert share == pytest.approx(float(m_share), abs=0.05) and growth == pytest.approx(float(m_growth), abs=0.05)
        assert rate == pytest.approx(9.08)
    # Verksamhetsplan 2019, "Intäkter från delägare 2019" (population 2017-12-31; fee at 9,08 kr)
    plan = {
        "Ekerö": (27753, 251998),
        "Järfälla": (76453, 694196),
        "Sigtuna": (47146, 428087),
        "Sollentuna": (71848, 652382),
        "Solna": (79707, 723742),
        "Sundbyberg": (49424, 448772),
        "Upplands-Bro": (27614, 250736),
        "Upplands Väsby": (44605, 405015),
    }
    for name, (pop, fee) in plan.items():
        assert num(rows[name][0]) == pop
        assert abs(num(rows[name][5]) - fee) <= 3, name
    total = rows["Summa"]
    assert num(total[0]) == 424550  # the plan's Summa row
    assert (
        num(total[5])
        == published["con"].execute("select fee_total_kr from marts.fct_fee_totals where fee_year = 2019").fetchone()[0]
    )
    assert abs(num(total[5]) - 3854929) <= 8 * 3


def test_fee_section_2025_says_there_is_no_fee_and_shows_the_basis(published):
    html = published["html"].read_text(encoding="utf-8")
    assert "Det finns inga avgiftsparametrar för 2025" in html
    rows = by_first_column(published["t2025"].tables["fee-table"])
    scb = dict(
        published["con"]
        .execute(
            "select d.municipality_name, p.population from marts.fct_population p join marts.dim_municipality d "
            "on d.municipality_code = p.region_code where d.is_region_member and p.year = 2023 "
            "and p.sex = 'total' and p.age_band = 'total'"
        )
        .fetchall()
    )
    assert {n: num(rows[n][0]) for n in MEMBERS} == scb
    assert num(rows["Summa"][0]) == sum(scb.values())
    assert sum(num(rows[n][2]) for n in MEMBERS) == pytest.approx(100, abs=0.3)
    assert all(num(rows[n][5]) is None for n in MEMBERS)  # no fee invented


def test_numbers_are_in_swedish_format(published):
    rows = by_first_column(published["t2019"].tables["fee-table"])
    assert rows["Järfälla"][0] == "76\u00a0453"  # space (no-break) as thousands separator
    assert rows["Järfälla"][4] == "9,08"  # decimal comma
    assert re.fullmatch(r"\+2,7\u00a0%", rows["Järfälla"][3])  # plan: "18 % (+2,7 %)"
    html = published["html_2019"].read_text(encoding="utf-8")
    assert "3\u00a0854\u00a0914\u00a0kr" in html


# ------------------------------------------------------------------ internal records


def test_requests_match_the_mart_and_the_steering_group_deck(published):
    t = published["t2025"].tables["requests-table"]
    header, rows = t[0], by_first_column(t)
    assert header[1:] == ["Ja", "Nej", "Vilande / under hantering", "Okänt beslut", "Totalt 2025", "Totalt 2024"]
    mart = (
        published["con"]
        .execute("select origin_name, decision, sum(n_requests) from marts.fct_requests where year = 2025 group by all")
        .fetchall()
    )
    col = {"ja": 0, "nej": 1, "pågående": 2, "okänt": 3}
    for origin, decision, n in mart:
        assert num(rows[origin][col[decision]]) == n, (origin, decision)
    # Styrgruppsmöte 2026-02-26: 69 requests (41 in 2024); ja 40, nej 12, vilande/under hantering 17
    assert [num(c) for c in rows["Summa"]] == [40, 12, 17, 0, 69, 41]
    assert sum(num(rows[m][4]) for m in MEMBERS) == 35  # "35 av 69 kommer från nordvästkommun"
    assert all(num(rows[m][4]) >= 1 for m in MEMBERS)  # "Alla nordvästkommuner har gjort egna förfrågningar"
    html = published["html"].read_text(encoding="utf-8")
    assert "Exempelrader" in html  # the invented split per municipality is flagged


def test_budget_table_matches_the_mart(published):
    t = published["t2025"].tables["budget-table"]
    year = int(
        re.search(r"(\d{4})", published["html"].read_text(encoding="utf-8").split('id="budget-table"')[1]).group(1)
    )
    mart = (
        published["con"]
        .execute("select category, budget_tkr, outcome_tkr, deviation_tkr from marts.fct_budget where year = ?", [year])
        .fetchall()
    )
    rows = {r[0].lower(): r[1:] for r in t[1:]}
    assert mart
    for category, budget, outcome, deviation in mart:
        assert [num(c) for c in rows[category]] == [budget, outcome, deviation]


def test_goal_table_matches_the_mart(published):
    tables = published["t2025"].tables
    goal_tables = [k for k in tables if k.startswith("goals-")]
    assert goal_tables
    con, html = published["con"], published["html"].read_text(encoding="utf-8")
    for key in goal_tables:
        label, year = re.search(r"<caption>(.*?) (\d{4}) per område och mål", html.split(f'id="{key}"')[1]).groups()
        item_type = {"Uppdrag och projekt": "uppdrag", "Aktiviteter": "aktivitet"}[label]
        cells = {
            (g, a): n
            for g, a, n in con.execute(
                "select goal, area, sum(n_items) from marts.fct_follow_up_by_goal where item_type = ? and year = ? "
                "group by all",
                [item_type, int(year)],
            ).fetchall()
        }
        rows = tables[key]
        goals = [g.lower() for g in rows[0][1:-2]]
        for row in rows[1:-1]:
            for goal, cell in zip(goals, row[1:]):
                assert num(cell) == cells.get((goal, row[0].lower()), 0), (key, row[0], goal)
        assert num(rows[-1][-2]) == sum(cells.values())


# ------------------------------------------------------------------ ÖJ


def test_oj_tables_match_the_mart_and_carry_the_generated_notice(published):
    html = published["html"].read_text(encoding="utf-8")
    t = published["t2025"]
    kpi_tables = [k for k in t.tables if k.startswith("oj-")]
    assert len(kpi_tables) >= 4
    # the notice next to every generated table (heading) and chart, plus the section note
    assert html.lower().count(GENERATED_NOTICE) >= 2 * len(kpi_tables)
    con = published["con"]
    for key in kpi_tables:
        kpi = key.removeprefix("oj-")
        rows = t.tables[key]
        years = [int(y) for y in rows[0][1:-1]]
        data = {
            (n, y): (v, c)
            for n, y, v, c in con.execute(
                "select municipality_name, year, value, quartile_colour from marts.fct_oj_results "
                "where kpi_id = ? and sex = 'T' and is_region_member",
                [kpi],
            ).fetchall()
        }
        assert con.execute(
            "select bool_and(is_generated) from marts.fct_oj_results where kpi_id = ?", [kpi]
        ).fetchone()[0]
        for row, styles in zip(rows[1:9], t.styles[key][1:9]):
            name = row[0]
            for year, cell, style in zip(years, row[1:], styles[1:]):
                value, colour = data.get((name, year), (None, None))
                if value is None:
                    assert num(cell) is None
                else:
                    assert num(cell) == pytest.approx(value, abs=0.051), (kpi, name, year)
                fill = {"green": "#b9e0b0", "yellow": "#fbe6a2", "red": "#f3b3ad"}.get(colour, "#e3e3e3")
                assert fill in style, (kpi, name, year, colour)
        riket = next(r for r in rows if r[0] == "Riket")
        nation = dict(
            con.execute(
                "select year, any_value(nation_value) from marts.fct_oj_results where kpi_id = ? "
                "and sex = 'T' group by year",
                [kpi],
            ).fetchall()
        )
        for year, cell in zip(years, riket[1:]):
            assert num(cell) == pytest.approx(nation[year], abs=0.051)


# ------------------------------------------------------------------ provenance, missing marts


def test_provenance_section_lists_sources_and_modes(published):
    t = published["t2025"].tables
    scb = {(r[0], r[1]): r[2] for r in t["sources-scb"][1:]}
    assert scb[("TAB638", "data")] == "snapshot-rebuilt" and scb[("TAB5557", "data")] == "snapshot"
    assert {r[2] for r in t["sources-kolada"][1:]} <= {"snapshot", "generated"}  # offline: no live answer
    files = {r[0]: r for r in t["sources-records"][1:]}
    assert "fee_parameters.csv" in files and "requests.csv" in files
    html = published["html"].read_text(encoding="utf-8")
    assert "Databasen publicerades" in html and "ÖJ-värdena i denna rapport är genererade värden" in html


def test_a_missing_mart_is_reported_not_raised(published, tmp_path):
    """A database without the request and ÖJ marts (as before those issues landed) still gives a report."""
    s = published["settings"]
    copy = tmp_path / "old.duckdb"
    shutil.copyfile(s.published_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("drop table marts.fct_requests")
        con.execute("drop view marts.rpt_oj_results_wide")
        con.execute("drop table marts.fct_oj_results")
    from report.build import gather, render_html

    with duckdb.connect(str(copy), read_only=True) as con:
        html = render_html(gather(con, 2025))
    assert "Marten marts.fct_requests finns inte i den publicerade databasen ännu" in html
    assert "Marten marts.fct_oj_results finns inte i den publicerade databasen ännu" in html
    assert 'id="fee-table"' in html and 'id="budget-table"' in html


def test_report_opens_the_published_database_read_only(published):
    """While the report builds, another process can hold the file read-only (and vice versa)."""
    s = published["settings"]
    html, _ = build(
        s.published_db, s.reports_dir, 2025, pdf=False
    )  # the module fixture holds a read-only connection open
    assert html.exists()
