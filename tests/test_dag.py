"""The monthly DAG: imports cleanly, is wired as designed, and runs end to end offline."""

import os
import re
from pathlib import Path

import duckdb
import pytest

from tests.support.helpers import fou_run

PROJECT_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dagbag(tmp_path_factory):
    os.environ.setdefault("AIRFLOW_HOME", str(tmp_path_factory.mktemp("airflow")))
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(PROJECT_DIR / "dags"))


def test_dag_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "monthly_load" in dagbag.dag_ids


def test_dag_is_monthly_in_stockholm_time_and_never_writes_twice_at_once(dagbag):
    dag = dagbag.dags["monthly_load"]
    assert str(dag.timezone.name) == "Europe/Stockholm"
    assert dag.timetable.expression == "0 6 3 * *"
    assert dag.max_active_tasks == 1 and dag.max_active_runs == 1
    # network and file steps retry; the quality gate does not (a data failure does not heal)
    assert all(t.retries >= 1 for t in dag.tasks if t.task_id != "quality_gate")
    assert dag.task_dict["quality_gate"].retries == 0


def test_dag_order_extract_land_load_build_publish(dagbag):
    dag = dagbag.dags["monthly_load"]
    ids = set(dag.task_ids)
    assert {
        "population.extract_population",
        "population.load_population",
        "records.load_records",
        "dbt_build",
        "publish",
    } <= ids
    assert "population.load_population" in dag.get_task("population.extract_population").downstream_task_ids
    build_upstream = dag.get_task("dbt_build").get_flat_relative_ids(upstream=True)
    assert {"population.extract_population", "population.load_population", "records.load_records"} <= build_upstream
    assert "dbt_build" in dag.get_task("publish").get_flat_relative_ids(upstream=True)
    # an unchanged month: dbt_build short-circuits, so Airflow skips the gate, publish and report
    from airflow.providers.standard.operators.python import ShortCircuitOperator

    assert isinstance(dag.get_task("dbt_build"), ShortCircuitOperator)
    assert {"quality_gate", "publish", "build_report"} <= dag.get_task("dbt_build").get_flat_relative_ids()


def test_main_command_runs_the_dag_offline_end_to_end(tmp_path):
    """What `make run` does, into a temporary directory, with the network out of reach."""
    env = {
        **os.environ,
        "FOU_SOURCE_MODE": "snapshot",
        "FOU_DATA_DIR": str(tmp_path / "data"),
        "AIRFLOW_HOME": str(tmp_path / "airflow"),
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    result = fou_run(env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    published = tmp_path / "data" / "warehouse" / "fou_nordvast.duckdb"
    assert f"Published warehouse (open read-only): {published}" in result.stdout
    assert "Intäkter från delägare 2019" in result.stdout and "251 997" in result.stdout
    # one line per task with what it did; dbt's own per-model lines stay in the log file
    dbt_line = next(line for line in result.stdout.splitlines() if line.strip().startswith("dbt_build"))
    assert re.search(r"ok .* full build: \d+ model\(s\) built, \d+ test\(s\) passed$", dbt_line), dbt_line
    assert "START" not in result.stdout and "\x1b[" not in result.stdout
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(fee_kr) from marts.fct_fees where fee_year = 2019").fetchone()[0] == 3854914
        assert con.execute("select count(*) from marts.fct_population where region_code = '0125'").fetchone()[0] == 58
