"""From SCB answers to fct_population: civil statuses and sexes summed where exact, published
totals used where SCB adds Cell Key Method noise, age bands, the stitched series."""

import duckdb
import pytest

from ingestion import pipeline
from tests.support.fake_scb import FakeScb, cell_value
from tests.support.fakeserver import FakeServer
from tests.support.helpers import make_settings, run_loads

CIVIL = ["OG", "G", "SK", "ÄNKL"]


@pytest.fixture(scope="module")
def live_mart(tmp_path_factory, module_monkeypatch):
    with FakeServer() as server:
        # the years the bundled fee records need (basis and previous year for 2018, 2019, 2022)
        FakeScb(server, max_cells=20000, years638=("2015", "2016", "2017", "2019", "2020"))
        data_dir = tmp_path_factory.mktemp("live") / "data"
        s = make_settings(module_monkeypatch, data_dir, FOU_SCB_BASE_URL=server.url, FOU_SOURCE_MODE="live")
        pipeline.load_population(s, pipeline.extract_population(s))
    run_loads(make_settings(module_monkeypatch, data_dir), population=False)  # the other sources offline
    pipeline.dbt_build(s)
    with duckdb.connect(str(s.work_db), read_only=True) as con:
        yield con


def pop(con, region, year, sex, band):
    return con.execute(
        "select population, method from marts.fct_population where region_code=? and year=? and sex=? and age_band=?",
        [region, year, sex, band],
    ).fetchone()


def expected_638(region, year, sexes, ages):
    return sum(
        cell_value({"Region": region, "Tid": str(year), "Kon": k, "Alder": a, "Civilstand": c})
        for k in sexes
        for a in ages
        for c in CIVIL
    )


def test_tab638_totals_and_bands_are_exact_sums(live_mart):
    assert pop(live_mart, "0125", 2016, "total", "total") == (expected_638("0125", 2016, "12", ["tot"]), "exact_sum")
    assert pop(live_mart, "0125", 2016, "women", "total")[0] == expected_638("0125", 2016, "2", ["tot"])
    assert pop(live_mart, "0125", 2016, "men", "0-17") == (
        expected_638("0125", 2016, "1", [str(a) for a in range(18)]),
        "exact_sum",
    )
    assert pop(live_mart, "01", 2017, "total", "65+")[0] == expected_638(
        "01", 2017, "12", [str(a) for a in range(65, 100)] + ["100+"]
    )


def test_tab5557_uses_published_totals_and_flags_summed_bands(live_mart):
    total = cell_value({"Region": "0184", "Tid": "2025", "Kon": "TotSa", "Alder": "TotSA"})
    assert pop(live_mart, "0184", 2025, "total", "total") == (total, "published_total")
    assert pop(live_mart, "0184", 2025, "women", "total")[0] == cell_value(
        {"Region": "0184", "Tid": "2025", "Kon": "2", "Alder": "TotSA"}
    )
    band = sum(cell_value({"Region": "0184", "Tid": "2025", "Kon": "TotSa", "Alder": str(a)}) for a in range(18, 65))
    assert pop(live_mart, "0184", 2025, "total", "18-64") == (band, "sum_of_noisy_cells")


def test_series_is_stitched_and_complete(live_mart):
    rows = live_mart.execute(
        "select source_table, min(year), max(year), count(distinct region_code) "
        "from marts.fct_population group by 1 order by 1"
    ).fetchall()
    assert rows == [("TAB5557", 2025, 2025, 10), ("TAB638", 2015, 2020, 10)]
    grid = live_mart.execute("select count(*) from marts.fct_population").fetchone()[0]
    assert grid == 10 * 6 * 3 * 4  # regions × years × sexes × age bands


def test_a_new_run_replaces_a_tables_cells_and_keeps_every_answer(settings, fake_server, monkeypatch):
    """Snapshot first, then a live run: the live answers replace the snapshot's cells table by
    table (no mix of old and new cells), and both runs' answers stay landed and listed."""
    from ingestion.settings import Settings

    snapshot = pipeline.extract_population(settings)
    pipeline.load_population(settings, snapshot)
    FakeScb(fake_server)
    monkeypatch.setenv("FOU_SCB_BASE_URL", fake_server.url)
    monkeypatch.setenv("FOU_SOURCE_MODE", "live")
    live = pipeline.extract_population(Settings())
    pipeline.load_population(settings, live)
    live_data = {p.rsplit("/", 1)[1][:-5] for p in live.landed}
    with duckdb.connect(str(settings.work_db), read_only=True) as con:
        cell_shas = {r[0] for r in con.execute("select distinct sha256 from raw.scb_population_cells").fetchall()}
        landed = con.execute("select count(*) from raw.landing_files").fetchone()[0]
    assert cell_shas and cell_shas <= live_data
    assert landed == len(set(snapshot.landed) | set(live.landed))


def monthly(con, region, month, sex, band):
    return con.execute(
        "select population, method, region_level from marts.fct_population_monthly "
        "where region_code=? and month_code=? and sex=? and age_band=?",
        [region, month, sex, band],
    ).fetchone()


def test_monthly_population_for_members_county_and_nation(live_mart):
    """TAB6471 live: SCB's published totals and 10-year groups, social-services bands summed
    from single ages (flagged), for the members, the county and the nation."""
    levels = dict(
        live_mart.execute(
            "select region_level, count(distinct region_code) from marts.fct_population_monthly group by 1"
        ).fetchall()
    )
    assert levels == {"member": 8, "county": 1, "nation": 1}
    total = cell_value({"Region": "0125", "Tid": "2026M02", "Kon": "TotSa", "Alder": "TotSA"})
    assert monthly(live_mart, "0125", "2026M02", "total", "total") == (total, "published_total", "member")
    group = cell_value({"Region": "01", "Tid": "2026M01", "Kon": "2", "Alder": "20-29"})
    assert monthly(live_mart, "01", "2026M01", "women", "20-29") == (group, "published_cell", "county")
    band = sum(cell_value({"Region": "00", "Tid": "2026M01", "Kon": "1", "Alder": str(a)}) for a in range(65, 100))
    band += cell_value({"Region": "00", "Tid": "2026M01", "Kon": "1", "Alder": "100+"})
    assert monthly(live_mart, "00", "2026M01", "men", "65+") == (band, "sum_of_noisy_cells", "nation")
    rows = live_mart.execute("select count(*) from marts.fct_population_monthly").fetchone()[0]
    assert rows == 10 * 2 * 3 * (1 + 11 + 3)  # regions × months × sexes × (total, 10-year groups, 3 bands)
