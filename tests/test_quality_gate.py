"""The quality gate: corrupted data fails it by name and the published database stays
byte-for-byte as it was; clean data passes and is published; an analyst's open read-only
connection to the published database survives a load + publish.

One offline load (snapshot mode, records with an extra fixed-total fee year) is built once per
module with the pipeline's own steps; each test works on a copy of that data dir."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from ingestion import pipeline, quality

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXED_TOTAL_YEAR, FIXED_TOTAL = 2024, 4_000_000  # test parameter, not one of the unit's records


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def loads_and_build(settings) -> None:
    """The DAG's steps before the gate, in its order."""
    pipeline.load_population(settings, pipeline.extract_population(settings))
    pipeline.load_records(settings)
    pipeline.load_oj(settings, pipeline.extract_oj(settings))
    pipeline.dbt_build(settings)


def gate_then_publish(settings) -> pipeline.PublishResult:
    """The DAG's last two tasks: publish runs only when the gate did not raise."""
    pipeline.quality_gate(settings)
    return pipeline.publish(settings)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from ingestion.settings import Settings

    root = tmp_path_factory.mktemp("quality")
    records = root / "records"
    shutil.copytree(PROJECT_DIR / "records", records)
    with open(records / "fee_parameters.csv", "a", encoding="utf-8") as f:
        f.write(f"{FIXED_TOTAL_YEAR};fast_total;;{FIXED_TOTAL:,};;Testvärde för kvalitetstestet\n".replace(",", " "))
    settings = Settings(data_dir=root / "data", records_dir=records, source_mode="snapshot")
    loads_and_build(settings)
    return settings


@pytest.fixture
def work(built, settings, monkeypatch):
    """A fresh copy of the built data dir, at the conftest settings' paths. The tests change the
    marts behind dbt's back, so no step may be skipped as already done on the same inputs."""
    monkeypatch.setenv("FOU_FULL_BUILD", "1")
    shutil.copytree(built.data_dir, settings.data_dir)
    return settings.model_copy(update={"full_build": True})


@pytest.fixture
def published(work):
    """A first good load already published; returns its SHA-256."""
    gate_then_publish(work)
    return sha256(work.published_db)


def corrupt(settings, *sql: str) -> None:
    with duckdb.connect(str(settings.work_db)) as con:
        for statement in sql:
            con.execute(statement)


def test_clean_load_passes_the_gate_and_is_published(work):
    summary = pipeline.quality_gate(work)
    assert summary.passed and summary.errors == []
    assert summary.warnings == []  # a clean offline load has nothing to report either
    # the suites of every part of the warehouse ran, none skipped for want of a table
    # (record formats whose files are absent may be skipped)
    assert not [s for s in summary.skipped if not s.startswith("raw_records_")]
    assert summary.expectations > 60
    docs = Path(summary.data_docs)
    assert docs == work.data_dir / "data_docs" / "index.html" and docs.exists()
    assert (work.data_dir / "data_docs" / "validations" / "fct_fees_per_year").is_dir()

    assert not work.published_db.exists()
    pipeline.publish(work)
    with duckdb.connect(str(work.published_db), read_only=True) as con:
        fees = con.execute(
            "select sum(fee_kr), count(*) from marts.fct_fees where fee_year = ?", [FIXED_TOTAL_YEAR]
        ).fetchone()
        assert fees == (FIXED_TOTAL, 8)  # the largest-remainder split adds up to the total exactly
        assert con.execute("select sum(fee_kr) from marts.fct_fees where fee_year = 2019").fetchone()[0] == 3854914


CORRUPTIONS = {
    "population": (
        [  # a negative population, a missing municipality-year and a duplicated row
            "update marts.fct_population set population = -5 where region_code = '0125' and year = 2020",
            "delete from marts.fct_population where region_code = '0139' and year = 2010",
            "insert into marts.fct_population select * from marts.fct_population "
            "where region_code = '0184' and year = 2015",
        ],
        {
            "fct_population: population is not negative": "-5.0",
            "fct_population: a region's total population is positive": "-5.0",
            "fct_population: one row per region_code × year × sex × age_band": None,
            "fct_population_member_coverage: every configured municipality has exactly one total population "
            "in every year": None,
        },
    ),
    "fixed total off by one krona": (
        [
            f"update marts.fct_fees set fee_kr = fee_kr + 1 where fee_year = {FIXED_TOTAL_YEAR} "
            "and municipality_code = '0125'"
        ],
        {
            "fct_fees_per_year: allocated fees sum exactly to the total in a fixed-total year": "1.0",
            "fct_fees_per_year: fct_fee_totals holds the sum of the fees": "1.0",
        },
    ),
    "duplicated ÖJ row": (
        [
            "insert into marts.fct_oj_results select * from marts.fct_oj_results "
            "where municipality_id = '0123' and year = 2024 limit 1",
            "insert into raw.kolada_values select * from raw.kolada_values limit 1",
        ],
        {
            "fct_oj_results: one row per KPI × municipality × year × sex": None,
            "raw_kolada_values: one row per KPI × municipality × year × gender": None,
        },
    ),
    "missing fee": (
        ["update marts.fct_fees set fee_kr = null where fee_year = 2019 and municipality_code = '0191'"],
        {
            "fct_fees: no fee is missing": None,
            "fct_fees_member_coverage: every owner municipality has exactly one fee in every invoiced": None,
        },
    ),
}


@pytest.mark.parametrize("case", list(CORRUPTIONS))
def test_corrupted_load_fails_the_gate_by_name_and_leaves_the_published_db(work, published, case):
    statements, expected = CORRUPTIONS[case]
    corrupt(work, *statements)
    docs = work.data_dir / "data_docs" / "index.html"
    docs_before = docs.stat().st_mtime_ns

    with pytest.raises(quality.QualityGateFailed) as failed:
        gate_then_publish(work)

    message = str(failed.value)
    for text, sample in expected.items():
        assert text in message, message
        failure = next(f for f in failed.value.result.errors if str(f).startswith(text))
        assert failure.severity == "error"
        if sample:
            assert sample in str(failure.sample) or str(failure.unexpected_count) == sample, failure
    assert str(docs) in message and docs.stat().st_mtime_ns > docs_before  # Data Docs rebuilt on failure
    # the published database is byte-for-byte the one before, and still readable
    assert sha256(work.published_db) == published
    with duckdb.connect(str(work.published_db), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_fees").fetchone()[0] > 0


def test_warning_does_not_block(work):
    """A year-on-year jump of 20 % is reported as a warning; the load is still published."""
    corrupt(
        work,
        "update marts.fct_population set population = population * 1.2 "
        "where region_code = '0191' and year = 2023 and sex = 'total' and age_band = 'total'",
    )
    result = quality.run(work)
    assert result.passed
    assert [f.check for f in result.warnings] == ["fct_population_year_on_year"]
    warned = result.warnings[0]
    assert warned.unexpected_count == 2  # 2022→2023 up by about 20 %, 2023→2024 down by about 16 %
    assert max(warned.sample) > 19 and min(warned.sample) < -15


def test_the_gate_validates_aggregates_not_whole_tables(work):
    """The tables that grow with the region reach GX as one row per group (SCB cells per table,
    region and year; Kolada values per KPI, municipality and gender, twice for the extremes):
    five times as many SCB cells (more breakdowns per region and year, as nationally) give the
    same frame, and the ÖJ values and results reach GX in far fewer rows than they have."""
    before = quality.run(work)
    with duckdb.connect(str(work.work_db)) as con:
        cells = con.execute("select count(*) from raw.scb_population_cells").fetchone()[0]
        oj = con.execute("select count(*) from marts.fct_oj_results").fetchone()[0]
        con.execute(
            "insert into raw.scb_population_cells select * exclude (i) replace (coalesce(kon, 'T') || i as kon) "
            "from raw.scb_population_cells, range(4) r(i)"
        )
        assert con.execute("select count(*) from raw.scb_population_cells").fetchone()[0] > 4 * cells
    after = quality.run(work)
    assert after.passed and after.frames == before.frames
    assert before.frames["raw_scb_population_cells"] <= cells
    assert before.frames["fct_oj_results"] * 20 < oj
    assert max(before.frames.values()) < 40_000


def test_dbt_test_failure_stops_the_run_before_publishing(work, published):
    """Ekerö's SCB cells for 2017 go missing: the 2019 fee has no basis population, dbt's
    not_null test fails and dbt_build raises."""
    corrupt(work, "delete from raw.scb_population_cells where region = '0125' and tid = '2017'")
    with pytest.raises(RuntimeError, match="dbt build failed"):
        pipeline.dbt_build(work)
        gate_then_publish(work)  # not reached, as in the DAG, where publish needs dbt_build's success
    assert sha256(work.published_db) == published


ANALYST = textwrap.dedent("""
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    q = "select (select published_at::varchar from main.publication), (select count(*) from marts.fct_fees)"
    print(*con.execute(q).fetchone(), sep="|", flush=True)
    sys.stdin.readline()  # the test publishes a new load meanwhile
    print(*con.execute(q).fetchone(), sep="|", flush=True)
""")


def test_open_analyst_connection_survives_a_load_and_publish(work, published):
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(work.published_db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        before = analyst.stdout.readline().strip()
        assert before.endswith("|32")  # 4 fee years × 8 municipalities

        # the next monthly load, while the analyst's read-only connection stays open: a new
        # fee year arrives in the records and the marts; it passes the gate and is published
        # (nothing waits for the analyst)
        corrupt(
            work,
            "insert into raw.records_fee_parameters select * replace ('2027' as \"avgiftsår\") "
            f"from raw.records_fee_parameters where \"avgiftsår\" = '{FIXED_TOTAL_YEAR}'",
            "insert into marts.fct_fees select * replace (2027 as fee_year) "
            f"from marts.fct_fees where fee_year = {FIXED_TOTAL_YEAR}",
            "insert into marts.fct_fee_totals select * replace (2027 as fee_year) "
            f"from marts.fct_fee_totals where fee_year = {FIXED_TOTAL_YEAR}",
        )
        gate_then_publish(work)
        assert sha256(work.published_db) != published

        analyst.stdin.write("\n")
        analyst.stdin.flush()
        after = analyst.stdout.readline().strip()
        assert after == before  # the old session still reads its snapshot, no error
        assert analyst.wait(timeout=30) == 0
    finally:
        analyst.kill()
    with duckdb.connect(str(work.published_db), read_only=True) as con:  # a new session sees the new load
        published_at, fees = con.execute(
            "select (select published_at::varchar from main.publication), (select count(*) from marts.fct_fees)"
        ).fetchone()
    assert fees == 40 and published_at != before.split("|")[0]


def test_dag_runs_the_gate_between_dbt_build_and_publish(tmp_path_factory):
    import os

    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_DIR / "dags"))
    assert bag.import_errors == {}
    dag = bag.dags["monthly_load"]  # from the parsed file, no metadata database needed
    gate, publish = dag.get_task("quality_gate"), dag.get_task("publish")
    assert publish.upstream_task_ids == {"quality_gate"}
    assert gate.upstream_task_ids == {"dbt_build"}
    assert publish.trigger_rule == gate.trigger_rule == "all_success"  # a failed gate or dbt skips publish


def test_docs_list_every_check_and_expectation(settings):
    from expectations.suites import checks

    doc = (PROJECT_DIR / "docs" / "quality.md").read_text(encoding="utf-8")
    for check in checks(quality.params(settings)):
        if check.name.startswith("raw_records_") and check.name.endswith("_format"):
            continue  # one per record format, described together
        assert f"`{check.name}`" in doc
        for e in check.expectations:
            assert e.description in doc, (check.name, e.description)
