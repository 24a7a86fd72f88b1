"""The steering-group report: built from a published warehouse made from the bundled data; its
figures are read back FROM THE HTML of the 2026-02-26 meeting and compared with the marts and
with the unit's own documents."""

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from report import fmt
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
    """The meeting of 2026-02-26 shows the newest invoiced fee year, 2019 (2022 was waived)."""
    rows = by_first_column(published["t"].tables["fees"])
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
        pop, previous, share, growth, rate, fee = (num(c) for c in rows[name])
        m_pop, m_previous, m_share, m_growth, m_rate, m_fee = mart[name]
        assert (pop, previous, fee) == (m_pop, m_previous, m_fee)
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
    assert num(rows["Järfälla"][1]) == 74412  # the plan's "76 453 (74 412)": the year before
    total = rows["Summa"]
    assert num(total[0]) == 424550  # the plan's Summa row
    assert (
        num(total[5])
        == published["con"].execute("select fee_total_kr from marts.fct_fee_totals where fee_year = 2019").fetchone()[0]
    )


def test_fou_fees_prints_the_fee_page_s_own_table(published):
    """report.pages.fees.fee_table is the one fee table: the page shows it cell for cell;
    without a year it is the newest invoiced one; a year without a fee is an error."""
    from ingestion.errors import NoFeeDecided
    from report.pages.fees import fee_table

    t = fee_table(published["con"])
    assert (t.year, t.title, str(t.basis_date)) == (2019, "Intäkter från delägare 2019", "2017-12-31")
    header, *rows = published["t"].tables["fees"]
    assert [h.replace("\u00ad", "") for h in header] == t.header  # the HTML's soft hyphens aside
    assert [*t.rows, t.total] == rows
    assert [r[0] for r in t.rows] == MEMBERS and t.total[0] == "Summa"
    assert fee_table(published["con"], 2018).rows[0][-1] == "243\u00a0913"  # SCB's 27 406 × 8,90
    with pytest.raises(NoFeeDecided, match="no fee decided for 2030; fee years: 2018, 2019, 2022"):
        fee_table(published["con"], 2030)


def test_numbers_are_in_swedish_format(published):
    rows = by_first_column(published["t"].tables["fees"])
    assert rows["Järfälla"][0] == "76\u00a0453"  # space (no-break) as thousands separator
    assert rows["Järfälla"][4] == "9,08"  # decimal comma
    assert re.fullmatch(r"2,7\u00a0%", rows["Järfälla"][3])  # plan: "18 % (+2,7 %)"


# ------------------------------------------------------------------ internal records


def test_requests_match_the_mart_and_the_steering_group_deck(published):
    t = published["t"].tables["requests"]
    assert t[0] == ["", "2024", "2025"]
    rows = by_first_column(t)
    # Styrgruppsmöte 2026-02-26: 69 requests (41 in 2024); ja 40, nej 12, vilande/under hantering 17
    assert rows["Totalt"] == ["41", "69"]
    assert rows["Ja"] == ["uppgift saknas", "40"] and rows["Nej"][1] == "12"
    assert rows["Vilande / under hantering"][1] == "17"
    assert rows["Från ägarkommunerna"][1] == "35"  # "35 av 69 kommer från nordvästkommun"
    yes, no = published["con"].execute("select n_yes, n_no from marts.fct_request_totals where year = 2025").fetchone()
    assert (num(rows["Ja"][1]), num(rows["Nej"][1])) == (yes, no)


def test_budget_table_matches_the_mart(published):
    t = published["t"].tables["budget"]
    html = published["html"].read_text(encoding="utf-8")
    year = int(re.search(r"Budget och utfall (\d{4})</h2>", html).group(1))
    assert year == 2022  # the newest year with a budget up to the meeting (none for 2023–2026)
    mart = (
        published["con"]
        .execute("select category, budget_tkr, outcome_tkr from marts.fct_budget where year = ?", [year])
        .fetchall()
    )
    rows = {r[0].lower(): r[1:] for r in t[1:]}
    assert mart
    for category, budget, outcome in mart:
        assert [num(c.replace("tkr", "")) for c in rows[category]] == [budget, outcome]


def test_a_budget_without_outcome_says_so_never_zero(published):
    """records/budget.csv has a 2019 budget without outcome: the meeting of 2019 shows it."""
    from datetime import date

    from report.pages import budget, meeting

    page = budget.build(meeting(published["con"], 2018, date(2019, 9, 26)))[0]
    assert page.title == "Budget och utfall 2019" and "utfall saknas" in page.period
    table = page.blocks[0]
    assert all(r[2] == "utfall saknas" for r in table.rows)
    assert all("0" not in r[2] for r in table.rows)
    chart = page.blocks[1]
    assert list(chart.series) == ["Budget"]  # no outcome series of zeros


def test_goal_order_from_dim_goal_else_the_data_s():
    """The report's goal order is marts.dim_goal's; a published file from before it gives the
    goals of the activity mart in its order."""
    from report.base import Marts
    from report.pages.work import goal_order

    con = duckdb.connect()
    con.execute("create schema marts")
    con.execute(
        "create table marts.fct_follow_up_by_goal as select * from "
        "(values ('sprida kunskap'), (null), ('främja samverkan'), ('sprida kunskap')) t(goal)"
    )
    assert goal_order(Marts(con)) == ["sprida kunskap", "främja samverkan"]
    con.execute("create table marts.dim_goal as select * from (values ('b', 2), ('a', 1)) t(goal, position)")
    assert goal_order(Marts(con)) == ["a", "b"]


def test_work_per_goal_matches_the_mart(published):
    """The counts of a record type the year has records of; "uppgift saknas" for a type
    without any record that year (2025 has activities but no assignment recorded), never 0."""
    rows = published["t"].tables["work-per-goal"]
    con = published["con"]
    goals = {
        g: (u, a)
        for g, u, a in con.execute(
            "select goal, sum(n_items) filter (item_type = 'uppdrag'), sum(n_items) filter (item_type = 'aktivitet') "
            "from marts.fct_follow_up_by_goal where year = 2025 group by all"
        ).fetchall()
    }
    for row in rows[1:]:
        if row[0].lower() in goals:
            u, a = goals[row[0].lower()]
            known = [any(x is not None for x, _ in goals.values()), any(x is not None for _, x in goals.values())]
            for cell, n, k in zip(row[1:], (u, a), known):
                assert cell == (fmt.number(n or 0) if k else "uppgift saknas"), row[0]


# ------------------------------------------------------------------ ÖJ


def test_oj_tables_match_the_mart_and_carry_the_generated_notice(published):
    html = published["html"].read_text(encoding="utf-8")
    t = published["t"]
    kpi_tables = [k for k in t.tables if k.startswith("oj-") and not k.startswith("oj-area")]
    assert len(kpi_tables) >= 4
    # the notice on every ÖJ page and every Kommunblad
    assert html.count(GENERATED_NOTICE) >= 4 + 8
    con = published["con"]
    for key in kpi_tables:
        kpi = key.removeprefix("oj-")
        rows = t.tables[key]
        years = [int(y) for y in rows[0][1:]]
        data = {
            (n, y): (v, c)
            for n, y, v, c in con.execute(
                "select municipality_name, year, value, quartile_colour from marts.fct_oj_results "
                "where kpi_id = ? and sex = 'T' and is_region_member",
                [kpi],
            ).fetchall()
        }
        generated = con.execute("select bool_and(is_generated) from marts.fct_oj_results where kpi_id = ?", [kpi])
        assert generated.fetchone()[0] == (kpi != "N31807")  # N31807: real values through a copy
        for row, styles in zip(rows[1:9], t.styles[key][1:9]):
            name = row[0]
            for year, cell, style in zip(years, row[1:], styles[1:]):
                value, colour = data.get((name, year), (None, None))
                if value is None:
                    assert num(cell) is None
                else:
                    assert num(cell) == pytest.approx(value, abs=0.051), (kpi, name, year)
                fill = {"green": "#b9e0b0", "yellow": "#fbe6a2", "red": "#f3b3ad"}.get(colour)
                assert (fill in style) if fill else "background" not in style, (kpi, name, year, colour)
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
    t = published["t"].tables
    scb = {(r[0], r[1]): r[2] for r in t["sources-scb"][1:]}
    assert scb[("TAB638", "data")] == "snapshot-rebuilt" and scb[("TAB5557", "data")] == "snapshot"
    # offline: no live answer; N31807's real values through a third-party copy, the rest generated
    assert {r[2] for r in t["sources-kolada"][1:]} <= {"snapshot", "generated", "kolada-copy"}
    files = {r[0]: r for r in t["sources-records"][1:]}
    assert "fee_parameters.csv" in files and "requests.csv" in files
    html = published["html"].read_text(encoding="utf-8")
    assert "Publicerat datalager" in html and "nyckeltal är genererade värden, inte officiell statistik" in html
    assert "N31807: verkliga värden från Kolada genom en kopia hos tredje part" in html
    # table names, file names and source modes only in the appendix
    before = html.split('id="om-underlaget"')[0]
    assert "marts." not in before and ".csv" not in before and "snapshot" not in before


def test_a_missing_mart_leaves_its_page_out_not_raised(published, tmp_path):
    """A database without the request and ÖJ marts (as before those issues landed) still gives a deck."""
    s = published["settings"]
    copy = tmp_path / "old.duckdb"
    shutil.copyfile(s.published_db, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute("drop table marts.fct_request_totals")
        con.execute("drop view marts.rpt_oj_results_wide")
        con.execute("drop table marts.fct_oj_results")
    from report.build import render_html
    from report.pages import meeting

    with duckdb.connect(str(copy), read_only=True) as con:
        html = render_html(meeting(con, 2025))
    assert 'id="requests"' not in html and 'id="oj-1"' not in html
    assert 'id="fees"' in html and 'id="budget"' in html


def test_a_year_without_data_is_an_error_not_an_empty_report(published, tmp_path):
    from ingestion.errors import MeetingError

    with pytest.raises(MeetingError, match="inga uppgifter för verksamhetsår 1990"):
        build(published["settings"].published_db, tmp_path, 1990)
    assert not list(tmp_path.iterdir())


def test_fou_report_year_1990_is_one_line_and_exit_1(published, tmp_path):
    import subprocess
    import sys

    s = published["settings"]
    args = ["--data-dir", str(s.data_dir), "report", "--year", "1990", "--no-pdf", "--out-dir", str(tmp_path)]
    r = subprocess.run(
        [sys.executable, "-m", "ingestion.cli", *args], capture_output=True, text=True, cwd=PROJECT_DIR, timeout=300
    )
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0 and "1990" in r.stderr, r.stderr[-500:]


def test_report_opens_the_published_database_read_only(published):
    """While the report builds, another process can hold the file read-only (and vice versa)."""
    s = published["settings"]
    html, _, _ = build(s.published_db, s.reports_dir, 2025, pdf=False)  # the fixture holds a read-only connection
    assert html.exists()
