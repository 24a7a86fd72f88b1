"""`airflow standalone` (api-server, scheduler, dag-processor, triggerer) on loopback ports with
SQLite metadata, this project's DAG and a given data dir: used by tests/test_scheduler.py and by
benchmarks/scheduler.py. Runs are triggered and followed over the REST API."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

# loopback calls never go through a proxy (the benchmarks set HTTP(S)_PROXY to prove the load is offline)
http = requests.Session()
http.trust_env = False
PROJECT_DIR = Path(__file__).resolve().parents[2]  # tests/support/ → the checkout


class StandaloneError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Airflow:
    url: str
    auth: dict
    proc: subprocess.Popen
    log: Path

    def wait_for(self, check, timeout_s: float, what: str):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StandaloneError(
                    f"airflow standalone exited while waiting for {what}:\n{self.log.read_text()[-4000:]}"
                )
            try:
                result = check()
                if result:
                    return result
            except (requests.ConnectionError, OSError, KeyError, ValueError):
                pass
            time.sleep(0.5)
        raise StandaloneError(f"timed out after {timeout_s:.0f} s waiting for {what}:\n{self.log.read_text()[-4000:]}")

    def trigger(self, dag_id: str = "monthly_load") -> str:
        """Trigger a run now; returns the run's API URL."""
        run = http.post(
            f"{self.url}/api/v2/dags/{dag_id}/dagRuns", headers=self.auth, json={"logical_date": None}, timeout=10
        )
        if run.status_code != 200:
            raise StandaloneError(f"trigger failed: {run.status_code} {run.text}")
        return f"{self.url}/api/v2/dags/{dag_id}/dagRuns/{run.json()['dag_run_id']}"

    def finish(self, run_url: str, timeout_s: float = 900) -> dict:
        """Wait for the run to end; returns the run as the API gives it."""

        def ended():
            run = http.get(run_url, headers=self.auth, timeout=5).json()
            return run if run["state"] in ("success", "failed") else None

        return self.wait_for(ended, timeout_s, "the DAG run to finish")

    def task_instances(self, run_url: str) -> list[dict]:
        return http.get(f"{run_url}/taskInstances", headers=self.auth, timeout=10).json()["task_instances"]


def log_in_and_wait_for_the_dag(airflow: Airflow, airflow_home: Path) -> None:
    """Log in as the simple auth manager's admin (its generated password) and wait until the
    dag-processor has parsed monthly_load, so that it can be triggered."""
    password_file = airflow_home / "simple_auth_manager_passwords.json.generated"
    password = airflow.wait_for(lambda: json.loads(password_file.read_text())["admin"], 60, "the admin password")
    token = http.post(f"{airflow.url}/auth/token", json={"username": "admin", "password": password}, timeout=10)
    airflow.auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
    airflow.wait_for(
        lambda: http.get(f"{airflow.url}/api/v2/dags/monthly_load", headers=airflow.auth, timeout=5).ok,
        180,
        "the DAG to be parsed",
    )


@contextmanager
def standalone(tmp: Path, data_dir: Path, startup_timeout_s: float = 300):
    """Start `airflow standalone` with its home in tmp/airflow; yields an Airflow handle once
    the DAG is parsed, and stops the whole process group afterwards."""
    api_port = free_port()
    home = tmp / "airflow"
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_DIR / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__API__PORT": str(api_port),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the runs we trigger, no cron runs
        "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
        "FOU_DATA_DIR": str(data_dir),
        "FOU_SOURCE_MODE": os.environ.get("FOU_SOURCE_MODE", "snapshot"),
        "PYTHONPATH": str(PROJECT_DIR),
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    log = tmp / "standalone.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "airflow"), "standalone"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{api_port}"
    airflow = Airflow(url, {}, proc, log)
    try:
        airflow.wait_for(lambda: http.get(f"{url}/api/v2/version", timeout=5).ok, startup_timeout_s, "the api-server")
        log_in_and_wait_for_the_dag(airflow, home)
        yield airflow
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        try:  # standalone may exit before its scheduler does: nothing of the group may outlive us
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
