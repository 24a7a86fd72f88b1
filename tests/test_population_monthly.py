"""Monthly population offline: the bundled snapshot holds SCB's real TAB6471 answer for the 21
counties (10-year groups × sex, 2026M01–M04); the mart shows the county's months as SCB gave
them and invents no municipal or national month. The load's summary names the new months."""

import json

import duckdb

from ingestion import pipeline
from ingestion.settings import SNAPSHOT_DIR

REAL = json.loads((SNAPSHOT_DIR / "scb/TAB6471/counties_10y_2026M01-M04.json").read_text(encoding="utf-8"))


def test_the_snapshot_is_the_real_county_answer():
    body = REAL["response"]
    assert body["id"] == ["Region", "Alder", "Kon", "ContentsCode", "Tid"] and body["size"] == [21, 11, 3, 1, 4]
    assert body["value"][:4] == [245284, 247245, 249358, 251635]  # 01, 0-9 år, both sexes, 2026M01–M04
    assert REAL["provenance"] == "snapshot-rebuilt" and "stefur/pxwebpy" in REAL["rebuilt"]["from"]


def test_offline_mart_holds_the_real_county_months_only(bundled_warehouse):
    with duckdb.connect(str(bundled_warehouse.published_db), read_only=True) as con:
        rows = con.execute(
            "select region_code, region_level, count(distinct month_code), min(month_code), max(month_code), "
            "count(*) from marts.fct_population_monthly group by all"
        ).fetchall()
        assert rows == [("01", "county", 4, "2026M01", "2026M04", 4 * 3 * 12)]  # months × sexes × (11 groups + total)
        first = con.execute(
            "select population, method, source_mode from marts.fct_population_monthly "
            "where month_code = '2026M01' and sex = 'total' and age_band = '0-9'"
        ).fetchone()
        assert first == (245284, "published_cell", "snapshot-rebuilt")
        groups = con.execute(
            "select sum(population) filter (where age_band <> 'total'), "
            "any_value(population) filter (where age_band = 'total'), "
            "any_value(method) filter (where age_band = 'total') "
            "from marts.fct_population_monthly where month_code = '2026M04' and sex = 'women'"
        ).fetchone()
        assert groups[0] == groups[1] and groups[2] == "sum_of_noisy_cells"  # no published total in the answer
        bands = con.execute("select distinct age_band from marts.fct_population_monthly").fetchall()
        assert not {b for (b,) in bands} & {"0-17", "18-64", "65+"}  # 10-year groups cannot make them


def test_the_summary_says_which_months_are_new(settings):
    landed = pipeline.extract_population(settings)
    first = pipeline.load_population(settings, landed)
    assert first.new_months == ["2026M01", "2026M02", "2026M03", "2026M04"]
    assert "new months: 2026M01, 2026M02, 2026M03, 2026M04" in first.summary()
    again = pipeline.load_population(settings, pipeline.extract_population(settings))
    assert again.new_months == [] and again.answers_loaded == 0
    assert "new months: none" in again.summary()
