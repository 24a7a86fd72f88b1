"""An offline ÖJ load fills the mart; rank and quartile checked against an independent Python
computation on every row, the example query of docs/oj.md runs as written, and N31807 is the
reference file's real copy, value by value."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest

from ingestion import dbt, pipeline
from scripts import build_oj_values

DOC = Path(__file__).resolve().parent.parent / "docs" / "oj.md"
COPIED = "N31807"  # real Kolada values through a third-party copy (scripts/build_oj_values.py)


@pytest.fixture(scope="module")
def mart(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    data = tmp_path_factory.mktemp("oj") / "data"
    mp.setenv("FOU_DATA_DIR", str(data))
    mp.setenv("FOU_SOURCE_MODE", "snapshot")
    from ingestion.settings import Settings

    settings = Settings()
    report = pipeline.load_oj(settings, pipeline.extract_oj(settings))
    dbt.run(settings, "build", "--select", "+path:models/marts/oj", "--indirect-selection", "cautious")
    con = duckdb.connect(str(settings.work_db), read_only=True)
    yield con, report
    con.close()
    mp.undo()


def rank_best_first(values: dict[str, float], direction: str) -> dict[str, int]:
    """Competition ranking, 1 = best; ties share the best rank (1, 1, 3)."""
    sign = -1 if direction == "higher" else 1
    return {k: 1 + sum(1 for o in values.values() if sign * o < sign * v) for k, v in values.items()}


def test_offline_load_fills_the_mart_and_every_row_says_generated_but_the_copy(mart):
    con, report = mart
    assert report.failed_kpis == [] and report.generated is True
    n, kpis, munis = con.execute(
        "select count(*), count(distinct kpi_id), count(distinct municipality_id) from marts.fct_oj_results"
    ).fetchone()
    assert kpis == 33 and munis == 290
    prov = con.execute(
        "select kpi_id = ?, list(distinct value_provenance), list(distinct is_generated), "
        "list(distinct comparison_provenance) from marts.fct_oj_results group by 1 order by 1",
        [COPIED],
    ).fetchall()
    assert prov == [(False, ["generated"], [True], ["generated"]), (True, ["kolada-copy"], [False], ["kolada-copy"])]
    assert dict(con.execute("select value_provenance, count(*) from marts.dim_kpi group by 1").fetchall()) == {
        "generated": 32,
        "kolada-copy": 1,
    }
    # the region's eight for every KPI × year × sex, reported or not
    per_slice = con.execute(
        "select distinct count(*) from marts.fct_oj_results where is_region_member group by kpi_id, year, sex"
    ).fetchall()
    assert per_slice == [(8,)]
    wide = con.execute(
        "select kpi_id = ?, list(distinct value_provenance) from marts.rpt_oj_results_wide group by 1 order by 1",
        [COPIED],
    ).fetchall()
    assert wide == [(False, ["generated"]), (True, ["kolada-copy"])]
    assert con.execute("select count(*) from marts.dim_kpi where not has_metadata").fetchone()[0] == 0


def test_rank_quartile_and_colour_match_an_independent_computation(mart):
    con, _ = mart
    rows = con.execute(
        "select kpi_id, year, sex, municipality_id, is_region_member, direction, value, "
        "rank_in_region, quartile, quartile_colour from marts.fct_oj_results"
    ).fetchall()
    slices: dict[tuple, list] = {}
    for r in rows:
        slices.setdefault(r[:3], []).append(r)
    checked = 0
    for rs in slices.values():
        direction = rs[0][5]
        all_vals = {r[3]: r[6] for r in rs if r[6] is not None}
        region_vals = {r[3]: r[6] for r in rs if r[6] is not None and r[4]}
        ranks_all = rank_best_first(all_vals, direction) if direction != "none" else {}
        ranks_region = rank_best_first(region_vals, direction) if direction != "none" else {}
        n = len(all_vals)
        for _, _, _, muni, member, _, value, rank, quartile, colour in rs:
            if direction == "none":
                assert (rank, quartile, colour) == (None, None, None)
                continue
            assert rank == (ranks_region.get(muni) if member else None)
            if value is None:
                assert (quartile, colour) == (None, "grey")
                continue
            q = (ranks_all[muni] - 1) * 4 // n + 1
            assert quartile == q
            assert colour == {1: "green", 4: "red"}.get(q, "yellow")
            checked += 1
    assert checked > 40_000


def test_change_and_nation_difference(mart):
    con, _ = mart
    bad = con.execute("""
        select count(*) from marts.fct_oj_results f
        join marts.fct_oj_results p on p.kpi_id = f.kpi_id and p.sex = f.sex
             and p.municipality_id = f.municipality_id and p.year = f.year - 1
        where f.value is not null and p.value is not null and (
              abs(f.change_from_previous_year - (f.value - p.value)) > 1e-6
           or f.change_assessment is null
           or (f.direction = 'lower' and f.value < p.value and f.change_assessment <> 'better')
           or (f.direction = 'higher' and f.value < p.value and f.change_assessment <> 'worse'))
    """).fetchone()[0]
    assert bad == 0
    # Riket and county values are those loaded for 0000 and 0001
    assert (
        con.execute("""
        select count(*) from marts.fct_oj_results f
        join staging.stg_kolada__values v on v.kpi_id = f.kpi_id and v.year = f.year and v.sex = f.sex
             and v.municipality_id = '0000'
        where f.nation_value is distinct from v.value
           or (f.value is not null and abs(f.difference_to_nation - (f.value - v.value)) > 1e-6)
    """).fetchone()[0]
        == 0
    )


def test_similar_ifo_groups_for_the_region(mart):
    con, _ = mart
    rows = con.execute("""select distinct similar_to_municipality_id from marts.dim_municipality_group_members
                          where is_similar_ifo_group and similar_to_is_region_member""").fetchall()
    assert len(rows) == 8


def test_example_query_in_docs_runs_as_written(mart):
    con, _ = mart
    sql = re.search(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    result = con.execute(sql).fetchall()
    cols = [d[0] for d in con.description]
    assert len(result) == 8  # the eight municipalities
    assert {
        "municipality_name",
        "value",
        "county_value",
        "nation_value",
        "change_assessment",
        "value_provenance",
    } <= set(cols)
    assert all(r[cols.index("value_provenance")] == "generated" for r in result)


def test_freshness_and_status_columns_reach_the_mart(mart):
    """Offline nothing failed: no row is stale, and every row with a value says when it was fetched."""
    con, report = mart
    assert report.stale_kpis == {} and report.quarantined_values == []
    stale, no_stamp, reasons = con.execute(
        "select count(*) filter (is_stale), count(*) filter (value is not null and refreshed_at is null), "
        "count(stale_reason) from marts.fct_oj_results"
    ).fetchone()
    assert (stale, no_stamp, reasons) == (0, 0, 0)
    assert {"status", "refreshed_at", "is_stale", "stale_reason"} <= {
        r[0] for r in con.execute("describe marts.fct_oj_results").fetchall()
    }


def test_similar_group_mean_matches_an_independent_mean_of_the_members(mart):
    """Every member row: the mean of its newest 'Liknande kommuner IFO' group's members with a
    value (from the raw tables, in Python), the difference, and the appended column order."""
    con, _ = mart
    cols = [r[0] for r in con.execute("describe marts.fct_oj_results").fetchall()]
    assert cols[-4:] == [
        "similar_group_mean",
        "difference_to_similar_group",
        "comparison_provenance",
        "quarantine_reason",
    ]
    assert cols[:3] == ["kpi_id", "kpi_title", "area"]
    groups = {}
    for gid, title, member in con.execute("select group_id, group_title, member_id from raw.kolada_groups").fetchall():
        m = re.fullmatch(r"Liknande kommuner IFO, (.+), (\d{4})", title)
        if m:
            groups.setdefault((m.group(1), int(m.group(2))), (gid, set()))[1].add(member)
    names = dict(con.execute("select municipality_code, municipality_name from raw.region_members").fetchall())
    newest = {code: max((k for k in groups if k[0] == name), key=lambda k: k[1]) for code, name in names.items()}
    values = {
        (k, m, y, s): v
        for k, m, y, s, v in con.execute(
            "select kpi, municipality_id, period, gender, value from raw.kolada_values where value is not null"
        ).fetchall()
    }
    rows = con.execute(
        "select kpi_id, municipality_id, year, sex, value, similar_group_mean, difference_to_similar_group "
        "from marts.fct_oj_results where is_region_member"
    ).fetchall()
    checked = 0
    for kpi, muni, year, sex, value, mean, diff in rows:
        members = groups[newest[muni]][1]
        got = [values[(kpi, o, year, sex)] for o in members if (kpi, o, year, sex) in values]
        assert muni not in members
        if not got:
            assert mean is None
            continue
        assert mean == pytest.approx(sum(got) / len(got), abs=5e-7)  # rounded to 6 decimals
        assert diff == (None if value is None else pytest.approx(value - mean, abs=1e-6))
        checked += 1
    assert checked > 1000
    assert (
        con.execute(
            "select count(*) from marts.fct_oj_results where not is_region_member and similar_group_mean is not null"
        ).fetchone()[0]
        == 0
    )


def test_similar_comparison_answers_the_meetings_question(mart):
    con, _ = mart
    n, members, kpis, gen, without = con.execute(
        "select count(*), count(distinct municipality_id), count(distinct kpi_id), "
        "bool_and(value_provenance = if(kpi_id = ?, 'kolada-copy', 'generated')), "
        "count(*) filter (where similar_group_mean is null) from marts.fct_oj_similar_comparison",
        [COPIED],
    ).fetchone()
    assert members == 8 and kpis == 33 and gen and without == 0
    # the same mean as fct_oj_results, better/worse respecting the direction
    bad = con.execute(
        """
        select count(*) from marts.fct_oj_similar_comparison c
        join marts.fct_oj_results f
          on f.kpi_id = c.kpi_id and f.municipality_id = c.municipality_id and f.year = c.year and f.sex = 'T'
        where c.similar_group_mean is distinct from f.similar_group_mean
           or (c.direction = 'higher' and c.value > c.similar_group_mean and c.position_against_similar <> 'better')
           or (c.direction = 'lower' and c.value > c.similar_group_mean and c.position_against_similar <> 'worse')
           or (c.direction = 'none' and c.position_against_similar is not null)
        """
    ).fetchone()[0]
    assert bad == 0
    # the region's own Kolada group: G196055, seven members (no Sollentuna), for every member
    region = con.execute(
        "select distinct region_group_id from marts.fct_oj_similar_comparison where region_group_mean is not null"
    ).fetchall()
    assert region == [("G196055",)]
    summary = con.execute(
        "select count(*), bool_and(value_provenance = 'generated'), "
        "bool_and(kpis_better_than_similar + kpis_worse_than_similar <= kpis_compared) "
        "from marts.rpt_oj_similar_area_summary"
    ).fetchone()
    assert summary[0] > 0 and summary[1] and summary[2]


def test_similar_municipalities_query_in_docs_runs_as_written(mart):
    con, _ = mart
    sql = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)[1]
    result = con.execute(sql).fetchall()
    cols = [d[0] for d in con.description]
    assert len({r[cols.index("municipality_name")] for r in result}) == 8
    assert all(r[cols.index("value_provenance")] == "generated" for r in result)


def reference_rows() -> dict[tuple[str, int], str]:
    """(Kolada area id, year) → the value's text in the reference file (committed in scripts/reference/)."""
    ref = build_oj_values.reference_dir()
    name = build_oj_values.REAL_COPIES[COPIED][0]
    with open(ref / name, encoding="utf-8", newline="") as fh:
        return {(r["region_kod"], int(r["period"])): r["varde"] for r in csv.DictReader(fh)}


def test_n31807_in_the_mart_is_the_reference_file_value_by_value(mart):
    """Nation, county 0001 and all eight members, every year the mart holds (the bundle's years,
    first_year..generated_last_year), against the reference CSV, compared exactly; a member-year
    without a row in the file has no value in the mart (nothing made up)."""
    reference = reference_rows()
    con, _ = mart
    years = sorted(
        r[0]
        for r in con.execute("select distinct year from marts.fct_oj_results where kpi_id = ?", [COPIED]).fetchall()
    )
    assert years == list(range(2021, 2026))
    rows = con.execute(
        "select municipality_id, year, value, county_value, nation_value, value_provenance, status, sex "
        "from marts.fct_oj_results where kpi_id = ? and is_region_member",
        [COPIED],
    ).fetchall()
    assert {r[7] for r in rows} == {"T"}  # the copy has gender T only
    assert len(rows) == 8 * len(years)
    compared = 0
    for muni, year, value, county, nation, provenance, status, _ in rows:
        assert provenance == "kolada-copy" and status is None
        expected = reference.get((muni, year))
        assert value == (None if expected is None else float(expected)), (muni, year)
        assert county == float(reference[("0001", year)]) and nation == float(reference[("0000", year)])
        compared += expected is not None
    assert compared == 8 * len(years) - 2  # Solna and Sundbyberg have no 2025 row
    # the README's table, read back from the mart
    got = dict(
        con.execute(
            "select municipality_id, value from marts.fct_oj_results where kpi_id = ? and year = 2024 "
            "and municipality_id in ('0125', '0184')",
            [COPIED],
        ).fetchall()
    )
    assert got == {"0125": 2.175718, "0184": 0.495402}
    assert con.execute(
        "select distinct nation_value, county_value from marts.fct_oj_results where kpi_id = ? and year = 2024",
        [COPIED],
    ).fetchall() == [(2.374687, 1.565192)]
    # and every other municipality of the country the same way
    everyone = con.execute(
        "select municipality_id, year, value from marts.fct_oj_results where kpi_id = ?", [COPIED]
    ).fetchall()
    assert len(everyone) == 290 * len(years)
    assert all(v == (None if (e := reference.get((m, y))) is None else float(e)) for m, y, v in everyone)
