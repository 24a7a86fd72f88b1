"""The monthly load under a running scheduler (`airflow standalone`, LocalExecutor, SQLite), as a
deployment runs it: Airflow's start-up is paid once, before the runs, and every task runs in its
own process. Triggers a full load in a new data dir, then the same load again (nothing changed),
and prints one JSON line per run: wall seconds from trigger to end, the run's own start→end, and
each task's duration as Airflow recorded it.

    python benchmarks/scheduler.py --work /tmp/fou-bench/scheduler"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime
from pathlib import Path

from tests.support.standalone import standalone

PROJECT_DIR = Path(__file__).resolve().parent.parent


def seconds_between(a: str, b: str) -> float:
    return round((datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds(), 3)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--runs", type=int, default=2, help="the first is a full load, the others find nothing changed")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with standalone(args.work, args.work / "data") as airflow:
        print(json.dumps({"startup_s": round(time.perf_counter() - started, 1)}), flush=True)
        for i in range(args.runs):
            t = time.perf_counter()
            run_url = airflow.trigger()
            run = airflow.finish(run_url)
            wall = time.perf_counter() - t
            tasks = {ti["task_id"]: round(ti["duration"] or 0.0, 3) for ti in airflow.task_instances(run_url)}
            print(
                json.dumps(
                    {
                        "run": "full" if i == 0 else "unchanged",
                        "state": run["state"],
                        "trigger_to_end_s": round(wall, 3),
                        "run_s": seconds_between(run["start_date"], run["end_date"]),
                        "queued_s": seconds_between(run["queued_at"], run["start_date"]),
                        "tasks": tasks,
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
