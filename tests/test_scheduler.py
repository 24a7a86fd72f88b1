"""The monthly load under Airflow's own services (`airflow standalone`: api-server, scheduler,
dag-processor, triggerer) on loopback with SQLite metadata, triggered through the REST API."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import requests

PROJECT_DIR = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout_s: float, what: str, proc: subprocess.Popen, log: Path):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"airflow standalone exited while waiting for {what}:\n{log.read_text()[-4000:]}")
        try:
            result = check()
            if result:
                return result
        except (requests.ConnectionError, OSError, KeyError, ValueError):
            pass
        time.sleep(2)
    pytest.fail(f"timed out after {timeout_s:.0f} s waiting for {what}:\n{log.read_text()[-4000:]}")


def test_scheduler_runs_monthly_load_triggered_over_rest(tmp_path):
    api_port = free_port()
    home, data = tmp_path / "airflow", tmp_path / "data"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the run we trigger, no cron runs
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "FOU_DATA_DIR": str(data),
        "FOU_SOURCE_MODE": "snapshot",
        "PYTHONPATH": str(PROJECT_DIR),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    log = tmp_path / "standalone.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen([str(Path(sys.executable).parent / "airflow"), "standalone"], env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    api = f"http://127.0.0.1:{api_port}"
    try:
        wait_for(lambda: requests.get(f"{api}/api/v2/version", timeout=5).ok, 300, "the api-server", proc, log)
        password_file = home / "simple_auth_manager_passwords.json.generated"
        password = wait_for(lambda: json.loads(password_file.read_text())["admin"], 60, "the admin password", proc, log)
        token = requests.post(f"{api}/auth/token", json={"username": "admin", "password": password},
                              timeout=10).json()["access_token"]
        auth = {"Authorization": f"Bearer {token}"}
        wait_for(lambda: requests.get(f"{api}/api/v2/dags/monthly_load", headers=auth, timeout=5).ok,
                 180, "the DAG to be parsed", proc, log)
        run = requests.post(f"{api}/api/v2/dags/monthly_load/dagRuns", headers=auth,
                            json={"logical_date": None}, timeout=10)
        assert run.status_code == 200, run.text
        run_url = f"{api}/api/v2/dags/monthly_load/dagRuns/{run.json()['dag_run_id']}"

        def finished():
            state = requests.get(run_url, headers=auth, timeout=5).json()["state"]
            return state if state in ("success", "failed") else None

        state = wait_for(finished, 900, "the DAG run to finish", proc, log)
        tasks = requests.get(f"{run_url}/taskInstances", headers=auth, timeout=10).json()["task_instances"]
        assert state == "success", {t["task_id"]: t["state"] for t in tasks}
        assert all(t["state"] == "success" for t in tasks)
        print(f"\nscheduler test: {time.monotonic() - started:.0f} s from start to a successful run")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    published = data / "warehouse" / "fou_nordvast.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("select sum(fee_kr) from marts.fct_fees where fee_year = 2019").fetchone()[0] == 3854914
