"""Benchmarks of the monthly load: one command, figures as a table and in files.

    python -m benchmarks.run            # or: make bench
    python -m benchmarks.run --runs 3 --national-runs 2 --out data/benchmarks

Everything runs in a scratch directory (--work, default /tmp/fou-bench): data dirs, generated
national data (benchmarks/national.py, labelled generated), Airflow metadata. Nothing touches
./data/warehouse or ingestion/snapshots/. Results: <out>/latest.json and <out>/latest.md.

Sections (--only a,b to pick): stages (each stage of the offline load in one process, as the
DAG does it, with per-stage peak RSS), dbt (plain `dbt build` CLI, the floor), dag (the whole DAG
via dag.test like `python -m ingestion.cli run`), incremental (the DAG again: nothing changed;
one record file changed), national (8 → 26 → 290 municipalities), requests (HTTP calls), queries
(the analyst queries of README.md and docs/analysts.md on the national published database).
Each figure is the median of --runs runs (--national-runs for national). Timings are printed,
never asserted."""

from __future__ import annotations

import argparse
import json
import os
import time
from datetime import datetime
from pathlib import Path

from benchmarks.common import (
    PROJECT_DIR,
    PY,
    TARGETS,
    base_env,
    cpu_probe_s,
    fresh,
    json_lines,
    machine,
    median,
    run_child,
)
from benchmarks.scale import national, queries, requests


def stages(work: Path, runs: int, log: Path) -> dict:
    per: dict[str, list] = {}
    walls = []
    for i in range(runs):
        d = fresh(work / f"stages_{i}")
        wall, rss, out, rc = run_child([PY, "-m", "benchmarks.stages", "--data-dir", str(d)], base_env(work), log)
        if rc:
            raise SystemExit(f"stages run failed, see {log}")
        walls.append(wall)
        for row in json_lines(out):
            per.setdefault(row["stage"], []).append(row)
    table = {
        s: {"seconds": median([r["seconds"] for r in rows]), "peak_mib": median([r["peak_mib"] for r in rows])}
        for s, rows in per.items()
    }
    table["sum_of_stages"] = {
        "seconds": round(sum(v["seconds"] for v in table.values()), 2),
        "peak_mib": max(v["peak_mib"] for v in table.values()),
    }
    return {"stages": table, "process_wall_s_incl_startup": median(walls), "runs": runs}


def plain_dbt(work: Path, runs: int, log: Path) -> dict:
    """`dbt build` from the command line on a loaded work database: the floor. The first run
    parses the project fully; later runs use partial parsing, as a monthly run does."""
    src = work / "stages_0"
    walls, rss = [], []
    for i in range(runs + 1):
        wall, peak, _, rc = run_child(
            [
                str(Path(PY).parent / "dbt"),
                "build",
                "--project-dir",
                "dbt_project",
                "--profiles-dir",
                "dbt_project",
                "--target-path",
                str(work / "dbt_plain_target"),
                "--log-path",
                str(work / "dbt_plain_logs"),
            ],
            {**base_env(work), "FOU_WORK_DB": str(src / "work" / "work.duckdb")},
            log,
        )
        if rc:
            raise SystemExit(f"plain dbt build failed, see {log}")
        if i:  # run 0 is the full parse, like the first load ever
            walls.append(wall)
            rss.append(peak)
        else:
            first = wall
    return {
        "seconds": median(walls),
        "peak_mib": median(rss),
        "first_with_full_parse_s": round(first, 2),
        "note": "CLI wall time including dbt's own start-up",
        "runs": runs,
    }


def dag(work: Path, runs: int, log: Path) -> dict:
    rows, walls = [], []
    for i in range(runs):
        d = fresh(work / f"dag_{i}")
        wall, rss, out, rc = run_child([PY, "-m", "benchmarks.dag_run", "--data-dir", str(d)], base_env(work), log)
        row = json_lines(out)[-1] if json_lines(out) else {}
        if rc or "success" not in row.get("state", ""):
            raise SystemExit(f"DAG run failed, see {log}")
        rows.append({**row, "peak_mib": rss})
        walls.append(wall)
    tasks = {t: median([r["tasks"][t]["seconds"] for r in rows]) for t in rows[0]["tasks"]}
    return {
        "seconds": median([r["seconds"] for r in rows]),
        "dagbag_s": median([r["dagbag_s"] for r in rows]),
        "execution_api_s": median([r["execution_api_s"] for r in rows]),
        "airflow_startup_s": median([r["airflow_startup_s"] for r in rows]),
        "seconds_with_airflow_startup": median([r["seconds_with_airflow_startup"] for r in rows]),
        "peak_mib": median([r["peak_mib"] for r in rows]),
        "tasks": tasks,
        "sum_of_tasks_s": round(sum(tasks.values()), 2),
        "process_wall_s_incl_startup_and_db_migrate": median(walls),
        "runs": runs,
    }


def incremental(work: Path, runs: int, log: Path, full_s: float) -> dict:
    """In the last DAG data dir: runs with nothing changed, then one with a new record file."""
    d = work / f"dag_{max(0, runs - 1)}"
    if not (d / "work" / "work.duckdb").exists():
        d = fresh(work / "dag_incr")
        run_child([PY, "-m", "benchmarks.dag_run", "--data-dir", str(d)], base_env(work), log)
    unchanged = []
    for _ in range(runs):
        _, rss, out, rc = run_child([PY, "-m", "benchmarks.dag_run", "--data-dir", str(d)], base_env(work), log)
        unchanged.append({**json_lines(out)[-1], "peak_mib": rss})
    # one source changed: a new requests file in the inbox (records only)
    inbox = d / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "förfrågningar_bench.csv").write_text(  # an invented row, marked exempel = ja
        "förfrågan_id;år;datum;ursprung;avsändare;beslut;linje;antal;beskrivning;källa;exempel\n"
        f"BENCH-{datetime.now():%H%M%S%f};2026;;Järfälla;;ja;;1;benchmark;benchmarks/run.py;ja\n",
        encoding="utf-8",
    )
    _, _, out, rc = run_child([PY, "-m", "benchmarks.dag_run", "--data-dir", str(d)], base_env(work), log)
    changed = json_lines(out)[-1] if json_lines(out) else {}
    rr = json.loads((d / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    nodes = [r["unique_id"] for r in rr["results"]]
    (inbox / "förfrågningar_bench.csv").unlink()
    secs = median([r["seconds"] for r in unchanged])
    return {
        "unchanged_seconds": secs,
        "unchanged_tasks": {t: median([r["tasks"][t]["seconds"] for r in unchanged]) for t in unchanged[0]["tasks"]},
        "unchanged_task_states": {t: v["state"] for t, v in unchanged[-1]["tasks"].items()},
        "unchanged_over_full": round(secs / full_s, 3) if full_s else None,
        "one_record_file_changed_seconds": changed.get("seconds"),
        "one_record_file_changed_state": changed.get("state"),
        "rebuilt_dbt_nodes": len(nodes),
        "rebuilt_models": sorted(n.split(".")[-1] for n in nodes if n.startswith("model.")),
        "runs": runs,
    }


def scheduler(work: Path, runs: int, log: Path) -> dict:
    """`airflow standalone` once; a full load in a new data dir, then `runs` unchanged ones."""
    wall, _, out, rc = run_child(
        [PY, "-m", "benchmarks.scheduler", "--work", str(fresh(work / "scheduler")), "--runs", str(runs + 1)],
        base_env(work),
        log,
    )
    rows = json_lines(out)
    if rc or len(rows) < 2 or any(r.get("state", "success") != "success" for r in rows):
        raise SystemExit(f"scheduler benchmark failed, see {log} and {work / 'scheduler' / 'standalone.log'}")
    full, unchanged = rows[1], rows[2:]
    secs = median([r["run_s"] for r in unchanged])
    return {
        "startup_s": rows[0]["startup_s"],
        "full_run_s": full["run_s"],
        "full_tasks": full["tasks"],
        "full_trigger_to_end_s": full["trigger_to_end_s"],
        "unchanged_run_s": secs,
        "unchanged_tasks": {t: median([r["tasks"][t] for r in unchanged]) for t in unchanged[0]["tasks"]},
        "unchanged_over_full": round(secs / full["run_s"], 3),
        "runs": len(unchanged),
    }


from benchmarks.summary import markdown  # noqa: E402  (the write-up of the figures)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--national-runs", type=int, default=2)
    ap.add_argument("--national-sizes", default="8,26,290", help="municipalities per national row")
    ap.add_argument(
        "--national-no-report", action="store_true", help="national rows without the report (its PDF at 290 is slow)"
    )
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "fou-bench")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "data" / "benchmarks")
    ap.add_argument("--only", default="stages,dbt,dag,incremental,scheduler,national,requests,queries")
    a = ap.parse_args()
    only = a.only.split(",")
    a.work.mkdir(parents=True, exist_ok=True)
    log = a.work / "bench.log"
    r: dict = {"machine": machine(), "targets": TARGETS}
    steps = [
        ("stages", lambda: stages(a.work, a.runs, log)),
        ("dbt", lambda: plain_dbt(a.work, a.runs, log)),
        ("dag", lambda: dag(a.work, a.runs, log)),
        ("incremental", lambda: incremental(a.work, a.runs, log, r.get("dag", {}).get("seconds"))),
        ("scheduler", lambda: scheduler(a.work, a.runs, log)),
        (
            "national",
            lambda: national(
                a.work, a.national_runs, log, [int(x) for x in a.national_sizes.split(",")], not a.national_no_report
            ),
        ),
        ("requests", lambda: requests(a.work)),
        ("queries", lambda: queries(a.work)),
    ]
    for name, fn in steps:
        if name in only:
            t = time.perf_counter()
            print(f"[bench] {name} …", flush=True)
            r[name] = fn()
            print(f"[bench] {name} done in {time.perf_counter() - t:.0f} s", flush=True)
    r["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    r["machine"]["cpu_probe_s_at_end"] = cpu_probe_s()
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "latest.json").write_text(json.dumps(r, indent=2, ensure_ascii=False), encoding="utf-8")
    md = markdown(r)
    (a.out / "latest.md").write_text(md + "\n", encoding="utf-8")
    print(md)
    print(f"\nwritten: {a.out / 'latest.json'}, {a.out / 'latest.md'}")


if __name__ == "__main__":
    main()
