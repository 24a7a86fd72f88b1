"""The monthly load under Airflow's own services (`airflow standalone`: api-server, scheduler,
dag-processor, triggerer) on loopback with SQLite metadata, triggered through the REST API."""

import time

import duckdb
import pytest

from tests.support.standalone import standalone

pytestmark = pytest.mark.slow


def test_scheduler_runs_monthly_load_triggered_over_rest(tmp_path):
    data = tmp_path / "data"
    started = time.monotonic()
    with standalone(tmp_path, data) as airflow:
        run_url = airflow.trigger()
        run = airflow.finish(run_url)
        tasks = airflow.task_instances(run_url)
        assert run["state"] == "success", {t["task_id"]: t["state"] for t in tasks}
        assert all(t["state"] == "success" for t in tasks)
        print(f"\nscheduler test: {time.monotonic() - started:.0f} s from start to a successful run")
    published = data / "warehouse" / "fou_nordvast.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(fee_kr) from marts.fct_fees where fee_year = 2019").fetchone()[0] == 3854914
