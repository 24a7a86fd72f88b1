"""Running the same month twice gives identical marts without duplicating raw data; past
months (a backfill) give the same marts as one run that loads everything."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion import pipeline
from tests.support.helpers import make_settings, mart_checksums, run_loads, tables_in

PROJECT_DIR = Path(__file__).resolve().parent.parent


def raw_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        # kolada_load_runs is the log of runs: one more row per run by design
        runs_log = "kolada_load_runs"
        return {
            t: con.execute(f'select count(*) from raw."{t}"').fetchone()[0]
            for t in tables_in(con, "raw")
            if t != runs_log
        }


def landing_files(settings) -> list[str]:
    """Landed answers and kept record files; Kolada's per-run manifests are a run log, one per run."""
    return sorted(
        str(p.relative_to(settings.landing_dir))
        for p in settings.landing_dir.rglob("*")
        if p.is_file() and "runs" not in p.relative_to(settings.landing_dir).parts
    )


def full_run(settings) -> None:
    run_loads(settings)
    pipeline.dbt_build(settings)
    pipeline.quality_gate(settings)
    pipeline.publish(settings)


@pytest.fixture(scope="module")
def reference(tmp_path_factory, module_monkeypatch):
    """One clean offline run: its marts, raw row counts and landed files."""
    s = make_settings(module_monkeypatch, tmp_path_factory.mktemp("reference") / "data", FOU_FULL_BUILD="1")
    full_run(s)
    return {
        "settings": s,
        "marts": mart_checksums(s.published_db),
        "raw": raw_counts(s.work_db),
        "landed": landing_files(s),
    }


def test_same_month_twice_gives_identical_marts_and_no_duplicates(reference):
    s = reference["settings"]
    full_run(s)  # FOU_FULL_BUILD=1: really rebuilds, no skipping
    assert mart_checksums(s.published_db) == reference["marts"]
    assert raw_counts(s.work_db) == reference["raw"]
    assert landing_files(s) == reference["landed"]
    assert len(reference["marts"]) >= 20 and "fct_fees" in reference["marts"]


def test_rerun_after_a_failure_resumes_without_duplicates(settings, monkeypatch, reference):
    monkeypatch.setenv("FOU_FULL_BUILD", "1")
    settings = settings.model_copy(update={"full_build": True})
    landed = pipeline.extract_population(settings).landed
    pipeline.load_population(settings, pipeline.ExtractResult(landed[:2]))  # the load died half way through
    full_run(settings)  # the next run resumes
    assert mart_checksums(settings.published_db) == reference["marts"]
    assert raw_counts(settings.work_db) == reference["raw"]


def test_backfill_of_past_months_equals_one_run(tmp_path, reference):
    """Each monthly run loads the whole history, so running the DAG for past months (a backfill,
    here September and October 2026 with dag.test) ends with the marts of a single run."""

    def run(data_dir: Path, *dates: str) -> dict[str, str]:
        for date in dates:  # the real DAG, one run per month
            env = {
                **os.environ,
                "FOU_SOURCE_MODE": "snapshot",
                "FOU_DATA_DIR": str(data_dir),
                "AIRFLOW_HOME": str(data_dir.parent / "airflow"),
                "FOU_FULL_BUILD": "1",
            }
            args = [sys.executable, "-m", "ingestion.cli", "run", "--logical-date", date]
            result = subprocess.run(args, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
        return mart_checksums(data_dir / "warehouse" / "fou_nordvast.duckdb")

    assert run(tmp_path / "backfill" / "data", "2026-09-03", "2026-10-03") == reference["marts"]
