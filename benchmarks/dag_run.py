"""Run the monthly DAG once as `python -m ingestion.cli run` does (DagBag + dag.test(), one
process), and print one JSON line: the seconds of dag.test() itself, Airflow's start-up before
it (DagBag; the in-process execution API, which builds its versioned routes on its first request,
~4 s, charged to the first task unless done first), the process's peak RSS, the state, and each
task's duration as Airflow recorded it. Interpreter start-up and the `airflow db migrate` of a
new data dir are not counted.

    python benchmarks/dag_run.py --data-dir /tmp/x"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def warm_execution_api() -> None:
    """The first request to dag.test()'s in-process execution API builds its routes (cadwyn
    generates every API version's routers). A deployed api-server does this once when it starts."""
    import httpx
    from airflow.sdk.execution_time.supervisor import in_process_api_server

    with httpx.Client(transport=in_process_api_server().transport, base_url="http://in-process.invalid") as c:
        c.get("/health").raise_for_status()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    args = ap.parse_args()
    os.environ["FOU_DATA_DIR"] = str(args.data_dir.resolve())
    os.environ.setdefault("FOU_SOURCE_MODE", "snapshot")
    os.environ.setdefault("FOU_TASK_RETRIES", "0")
    started_process = time.perf_counter()
    from ingestion.cli import airflow_env  # what `ingestion.cli run` imports before it starts its clock
    from ingestion.settings import Settings

    settings = Settings()
    airflow_env(settings.data_dir / "airflow")  # runs `airflow db migrate` once per new data dir
    started = time.perf_counter()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(PROJECT_DIR / "dags"))
    dagbag_s = time.perf_counter() - started
    api_started = time.perf_counter()
    warm_execution_api()
    api_s = time.perf_counter() - api_started
    run_started = time.perf_counter()
    dag_run = bag.get_dag("monthly_load").test()
    seconds = time.perf_counter() - run_started
    tasks = {}
    try:
        for ti in dag_run.get_task_instances():
            tasks[ti.task_id] = {"state": str(ti.state), "seconds": round(ti.duration or 0.0, 3)}
    except Exception as exc:  # noqa: BLE001 - per-task figures are a bonus, the total is what counts
        tasks = {"error": str(exc)}
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "dagbag_s": round(dagbag_s, 3),
                "execution_api_s": round(api_s, 3),
                "airflow_startup_s": round(dagbag_s + api_s, 3),
                "seconds_with_airflow_startup": round(dagbag_s + api_s + seconds, 3),
                "setup_s": round(started - started_process, 3),
                "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "state": str(getattr(dag_run, "state", "unknown")),
                "tasks": tasks,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
