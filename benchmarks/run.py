"""Benchmarks of the monthly load: one command, figures as a table and in files.

    .venv/bin/python benchmarks/run.py            # or: make bench
    .venv/bin/python benchmarks/run.py --runs 3 --national-runs 2 --out data/benchmarks

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
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
PY = sys.executable
HERE = Path(__file__).resolve().parent
TARGETS = {"dag_s": 30.0, "overhead_ratio": 1.5, "national_dbt_s": 60.0, "national_dbt_mib": 2048.0,
           "incremental_ratio": 0.20}


def cpu_probe_s() -> float:
    """Seconds for 20 M additions in plain Python: this machine's speed varied by up to ~50 %
    between runs of the same code, so each result carries it, taken at start and end."""
    t = time.perf_counter()
    total = 0
    for i in range(20_000_000):
        total += i
    return round(time.perf_counter() - t, 2)


def machine() -> dict:
    import psutil

    return {"cores": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "cpu_probe_s_at_start": cpu_probe_s(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def run_child(args: list[str], env: dict | None = None, log: Path | None = None) -> tuple[float, float, str, int]:
    """Run a child process; returns (wall s, the child's own peak RSS in MiB, stdout, exit code).
    os.wait4 gives the rusage of exactly this child (not the max over all children)."""
    t = time.perf_counter()
    err = open(log, "ab") if log else subprocess.DEVNULL
    proc = subprocess.Popen(args, cwd=PROJECT_DIR, env={**os.environ, **(env or {})},
                            stdout=subprocess.PIPE, stderr=err)
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if log:
        err.close()
    return time.perf_counter() - t, usage.ru_maxrss / 1024, out, proc.returncode


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def median(xs):
    xs = [x for x in xs if x is not None]
    return round(statistics.median(xs), 2) if xs else None


def p95(xs):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(round(0.95 * (len(xs) - 1))))], 2)


def fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def base_env(work: Path) -> dict:
    return {"FOU_SOURCE_MODE": "snapshot", "FOU_TASK_RETRIES": "0", "HTTPS_PROXY": "http://127.0.0.1:9",
            "HTTP_PROXY": "http://127.0.0.1:9", "FOU_REGION_CONFIG": str(PROJECT_DIR / "config" / "region.yml"),
            "FOU_FULL_BUILD": ""}


def stages(work: Path, runs: int, log: Path) -> dict:
    per: dict[str, list] = {}
    walls = []
    for i in range(runs):
        d = fresh(work / f"stages_{i}")
        wall, rss, out, rc = run_child([PY, str(HERE / "stages.py"), "--data-dir", str(d)], base_env(work), log)
        if rc:
            raise SystemExit(f"stages run failed, see {log}")
        walls.append(wall)
        for row in json_lines(out):
            per.setdefault(row["stage"], []).append(row)
    table = {s: {"seconds": median([r["seconds"] for r in rows]), "peak_mib": median([r["peak_mib"] for r in rows])}
             for s, rows in per.items()}
    table["sum_of_stages"] = {"seconds": round(sum(v["seconds"] for v in table.values()), 2),
                              "peak_mib": max(v["peak_mib"] for v in table.values())}
    return {"stages": table, "process_wall_s_incl_startup": median(walls), "runs": runs}


def plain_dbt(work: Path, runs: int, log: Path) -> dict:
    """`dbt build` from the command line on a loaded work database: the floor. The first run
    parses the project fully; later runs use partial parsing, as a monthly run does."""
    src = work / "stages_0"
    walls, rss = [], []
    for i in range(runs + 1):
        wall, peak, _, rc = run_child(
            [str(Path(PY).parent / "dbt"), "build", "--project-dir", "dbt_project", "--profiles-dir", "dbt_project",
             "--target-path", str(work / "dbt_plain_target"), "--log-path", str(work / "dbt_plain_logs")],
            {**base_env(work), "FOU_WORK_DB": str(src / "warehouse" / "work.duckdb")}, log)
        if rc:
            raise SystemExit(f"plain dbt build failed, see {log}")
        if i:  # run 0 is the full parse, like the first load ever
            walls.append(wall)
            rss.append(peak)
        else:
            first = wall
    return {"seconds": median(walls), "peak_mib": median(rss), "first_with_full_parse_s": round(first, 2),
            "note": "CLI wall time including dbt's own start-up", "runs": runs}


def dag(work: Path, runs: int, log: Path) -> dict:
    rows, walls = [], []
    for i in range(runs):
        d = fresh(work / f"dag_{i}")
        wall, rss, out, rc = run_child([PY, str(HERE / "dag_run.py"), "--data-dir", str(d)], base_env(work), log)
        row = json_lines(out)[-1] if json_lines(out) else {}
        if rc or "success" not in row.get("state", ""):
            raise SystemExit(f"DAG run failed, see {log}")
        rows.append({**row, "peak_mib": rss})
        walls.append(wall)
    tasks = {t: median([r["tasks"][t]["seconds"] for r in rows]) for t in rows[0]["tasks"]}
    return {"seconds": median([r["seconds"] for r in rows]), "dagbag_s": median([r["dagbag_s"] for r in rows]),
            "execution_api_s": median([r["execution_api_s"] for r in rows]),
            "airflow_startup_s": median([r["airflow_startup_s"] for r in rows]),
            "seconds_with_airflow_startup": median([r["seconds_with_airflow_startup"] for r in rows]),
            "peak_mib": median([r["peak_mib"] for r in rows]), "tasks": tasks,
            "sum_of_tasks_s": round(sum(tasks.values()), 2),
            "process_wall_s_incl_startup_and_db_migrate": median(walls), "runs": runs}


def incremental(work: Path, runs: int, log: Path, full_s: float) -> dict:
    """In the last DAG data dir: runs with nothing changed, then one with a new record file."""
    d = work / f"dag_{max(0, runs - 1)}"
    if not (d / "warehouse" / "work.duckdb").exists():
        d = fresh(work / "dag_incr")
        run_child([PY, str(HERE / "dag_run.py"), "--data-dir", str(d)], base_env(work), log)
    unchanged = []
    for _ in range(runs):
        _, rss, out, rc = run_child([PY, str(HERE / "dag_run.py"), "--data-dir", str(d)], base_env(work), log)
        unchanged.append({**json_lines(out)[-1], "peak_mib": rss})
    # one source changed: a new requests file in the inbox (records only)
    inbox = d / "inbox"
    inbox.mkdir(exist_ok=True)
    (inbox / "förfrågningar_bench.csv").write_text(  # an invented row, marked exempel = ja
        "förfrågan_id;år;datum;ursprung;avsändare;beslut;linje;antal;beskrivning;källa;exempel\n"
        f"BENCH-{datetime.now():%H%M%S%f};2026;;Järfälla;;ja;;1;benchmark;benchmarks/run.py;ja\n", encoding="utf-8")
    _, _, out, rc = run_child([PY, str(HERE / "dag_run.py"), "--data-dir", str(d)], base_env(work), log)
    changed = json_lines(out)[-1] if json_lines(out) else {}
    rr = json.loads((d / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    nodes = [r["unique_id"] for r in rr["results"]]
    (inbox / "förfrågningar_bench.csv").unlink()
    secs = median([r["seconds"] for r in unchanged])
    return {"unchanged_seconds": secs, "unchanged_tasks": {t: median([r["tasks"][t]["seconds"] for r in unchanged])
                                                           for t in unchanged[0]["tasks"]},
            "unchanged_task_states": {t: v["state"] for t, v in unchanged[-1]["tasks"].items()},
            "unchanged_over_full": round(secs / full_s, 3) if full_s else None,
            "one_record_file_changed_seconds": changed.get("seconds"),
            "one_record_file_changed_state": changed.get("state"),
            "rebuilt_dbt_nodes": len(nodes),
            "rebuilt_models": sorted(n.split(".")[-1] for n in nodes if n.startswith("model.")),
            "runs": runs}


def scheduler(work: Path, runs: int, log: Path) -> dict:
    """`airflow standalone` once; a full load in a new data dir, then `runs` unchanged ones."""
    wall, _, out, rc = run_child([PY, str(HERE / "scheduler.py"), "--work", str(fresh(work / "scheduler")),
                                  "--runs", str(runs + 1)], base_env(work), log)
    rows = json_lines(out)
    if rc or len(rows) < 2 or any(r.get("state", "success") != "success" for r in rows):
        raise SystemExit(f"scheduler benchmark failed, see {log} and {work / 'scheduler' / 'standalone.log'}")
    full, unchanged = rows[1], rows[2:]
    secs = median([r["run_s"] for r in unchanged])
    return {"startup_s": rows[0]["startup_s"], "full_run_s": full["run_s"], "full_tasks": full["tasks"],
            "full_trigger_to_end_s": full["trigger_to_end_s"], "unchanged_run_s": secs,
            "unchanged_tasks": {t: median([r["tasks"][t] for r in unchanged]) for t in unchanged[0]["tasks"]},
            "unchanged_over_full": round(secs / full["run_s"], 3), "runs": len(unchanged)}


def national(work: Path, runs: int, log: Path) -> dict:
    from benchmarks import national as gen

    made = gen.generate(work / "generated")
    out = {}
    for n, info in made.items():
        rows: dict[str, list] = {}
        for i in range(runs):
            d = fresh(work / f"national_{n}_{i}")
            env = {**base_env(work), "FOU_REGION_CONFIG": info["config"]}
            _, _, o, rc = run_child([PY, str(HERE / "stages.py"), "--data-dir", str(d), "--scb-snapshot",
                                     info["snapshot"], "--no-report", "--gate-may-fail"], env, log)
            if rc:
                raise SystemExit(f"national run {n} failed, see {log}")
            for row in json_lines(o):
                if "stage" in row:
                    rows.setdefault(row["stage"], []).append(row)
                elif "gate_failed" in row:
                    out.setdefault(n, {})["gate_failed"] = row["gate_failed"]
        import duckdb

        with duckdb.connect(str(work / f"national_{n}_0" / "warehouse" / "fou_nordvast.duckdb"), read_only=True) as con:
            counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0] for t in
                      ("raw.scb_population_cells", "marts.fct_population", "raw.kolada_values", "marts.fct_oj_results")}
        out.setdefault(n, {}).update({
            "stages": {s: {"seconds": median([r["seconds"] for r in v]), "peak_mib": median([r["peak_mib"] for r in v])}
                       for s, v in rows.items()},
            "rows": counts, "scb_answers": info["scb"], "runs": runs})
    return out


def queries(work: Path, repeat: int = 20) -> dict:
    import duckdb

    blocks = []
    for doc in (PROJECT_DIR / "README.md", PROJECT_DIR / "docs" / "analysts.md"):
        blocks += [(doc.name, b.strip()) for b in re.findall(r"```sql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)]
    db = work / "national_290_0" / "warehouse" / "fou_nordvast.duckdb"
    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        for doc, sql in blocks:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                rows = con.execute(sql).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            out.append({"doc": doc, "query": " ".join(sql.split())[:70], "rows": len(rows),
                        "median_ms": median(times), "p95_ms": p95(times)})
    return {"database": "national_290 (generated population, generated ÖJ values)", "repeat": repeat, "queries": out}


def requests(work: Path) -> dict:
    from benchmarks import requests_bench

    out = requests_bench.run(fresh(work / "requests"))
    # national scale: the client's own split (benchmarks/national.py uses scb.split_selection)
    made = json.loads((work / "generated" / "snapshot_290" / "done.json").read_text()) \
        if (work / "generated" / "snapshot_290" / "done.json").exists() else None
    if made:
        import math

        calls = sum(v["calls"] for v in made.values()) + 3
        out["scb_national_290"] = {"tables": {t: {**v, "floor": math.ceil(v["cells"] / 150_000)} for t, v in made.items()},
                                   "calls_total": calls, "naive_data_calls": 292 * 58,
                                   "minimum_seconds_at_30_per_10s": (math.ceil(calls / 30) - 1) * 10}
    return out


def markdown(r: dict) -> str:
    m = r["machine"]
    L = [f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, Python {m['python']}; load average at start "
         f"{m['load_average_at_start']}, at end {m.get('load_average_at_end')}; CPU probe (20 M Python additions) "
         f"{m.get('cpu_probe_s_at_start')} s at start, {m.get('cpu_probe_s_at_end')} s at end; {m['when']}.", ""]
    if "stages" in r:
        L += ["### Offline monthly load, stage by stage (8 municipalities, bundled snapshot, new data dir)", "",
              "| stage | wall s | peak RSS MiB |", "|---|---:|---:|"]
        L += [f"| {s} | {v['seconds']} | {v['peak_mib']} |" for s, v in r["stages"]["stages"].items()]
        L += ["", f"Process wall including interpreter start-up: {r['stages']['process_wall_s_incl_startup']} s.", ""]
    if "dbt" in r:
        d = r["dbt"]
        L += [f"**Plain `dbt build` (CLI, the floor)**: {d['seconds']} s, {d['peak_mib']} MiB "
              f"(first run with a full parse: {d['first_with_full_parse_s']} s).", ""]
    if "dag" in r:
        d = r["dag"]
        L += ["### Whole DAG (dag.test, as `python -m ingestion.cli run`)", "",
              f"**{d['seconds']} s** for the run; Airflow's start-up before it {d['airflow_startup_s']} s "
              f"(DagBag {d['dagbag_s']} s, in-process execution API {d['execution_api_s']} s): "
              f"{d['seconds_with_airflow_startup']} s in all (interpreter start-up and the one-off `airflow db migrate` "
              f"not counted). Peak RSS {d['peak_mib']} MiB; sum of task durations {d['sum_of_tasks_s']} s.", "",
              "| task | s |", "|---|---:|"]
        L += [f"| {t} | {s} |" for t, s in d["tasks"].items()]
        L.append("")
        if "stages" in r and "dbt" in r:
            L += overhead_lines(r)
    if "incremental" in r:
        i = r["incremental"]
        skipped = sorted(t for t, st in i.get("unchanged_task_states", {}).items() if "skipped" in st)
        L += ["### Incremental reload (the DAG again in the same data dir)", "",
              f"- nothing changed: {i['unchanged_seconds']} s = {i['unchanged_over_full']:.0%} of the full load "
              f"(runs without Airflow's start-up; skipped by Airflow: {', '.join(skipped) or 'none'})",
              f"- one record file changed: {i['one_record_file_changed_seconds']} s; dbt rebuilt "
              f"{i['rebuilt_dbt_nodes']} nodes, models: {', '.join(i['rebuilt_models'])}", ""]
    if "scheduler" in r:
        c = r["scheduler"]
        L += ["### Under a running scheduler (`airflow standalone`, LocalExecutor, SQLite)", "",
              f"Services up in {c['startup_s']} s (paid once, not per run). Full load in a new data dir "
              f"(one run): {c['full_run_s']} s from the run's start to its end; nothing changed (median of {c['runs']}): "
              f"{c['unchanged_run_s']} s = {c['unchanged_over_full']:.0%}. Each task runs in a process of its own.", "",
              "| task | full s | unchanged s |", "|---|---:|---:|"]
        L += [f"| {t} | {v} | {c['unchanged_tasks'].get(t)} |" for t, v in c["full_tasks"].items()]
        L.append("")
    if "national" in r:
        L += ["### National scale (GENERATED population; generated ÖJ values)", "",
              "| municipalities | SCB cells | fct_population rows | ÖJ values | load s | dbt build s | dbt peak MiB | gate s |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n, v in r["national"].items():
            st = v["stages"]
            L.append(f"| {n} | {v['rows']['raw.scb_population_cells']} | {v['rows']['marts.fct_population']} | "
                     f"{v['rows']['raw.kolada_values']} | {st['load']['seconds']} | {st['dbt_build']['seconds']} | "
                     f"{st['dbt_build']['peak_mib']} | {st['quality_gate']['seconds']} |")
        L.append("")
    if "requests" in r:
        s, k = r["requests"]["scb"], r["requests"]["kolada"]
        L += ["### HTTP calls of a live monthly load", "", "| source | calls | data calls | floor | naive | max in 10 s (limit) |",
              "|---|---:|---:|---:|---:|---:|",
              f"| SCB (8 municipalities) | {s['calls_total']} | {s['data_calls']} | {s['floor_data_calls']} | "
              f"{s['naive_data_calls']} | {s['max_calls_in_10s']} ({s['limit_calls_in_10s']}) |",
              f"| Kolada | {k['calls_total']} | {k['data_calls']} | {k['floor_data_calls']} | "
              f"{k['naive_data_calls']} (per municipality and year: {k['naive_per_municipality_year']}) | "
              f"{k['max_calls_in_10s']} |"]
        if "scb_national_290" in r["requests"]:
            n = r["requests"]["scb_national_290"]
            L.append(f"| SCB (290, computed) | {n['calls_total']} | {n['calls_total'] - 3} | "
                     f"{sum(t['floor'] for t in n['tables'].values())} | {n['naive_data_calls']} | ≤ 30 (limiter; "
                     f"≥ {n['minimum_seconds_at_30_per_10s']} s) |")
        L.append("")
    if "queries" in r:
        L += ["### Analyst queries on the national published database", "", "| doc | query | rows | median ms | p95 ms |",
              "|---|---|---:|---:|---:|"]
        L += [f"| {q['doc']} | `{q['query']}` | {q['rows']} | {q['median_ms']} | {q['p95_ms']} |"
              for q in r["queries"]["queries"]]
        L.append("")
    return "\n".join(L)


def overhead_lines(r: dict) -> list[str]:
    """Airflow's overhead: the DAG's run minus the same stages run without Airflow, against the
    plain dbt build, without and with Airflow's start-up."""
    d, st, dbt = r["dag"], r["stages"]["stages"]["sum_of_stages"]["seconds"], r["dbt"]["seconds"]
    own = round(d["seconds"] - st, 2)
    with_startup = round(d["seconds_with_airflow_startup"] - st, 2)
    return [f"Airflow's overhead: the run {d['seconds']} s − the same stages without Airflow {st} s = **{own} s = "
            f"{own / dbt:.2f} × the plain dbt build** ({dbt} s); with Airflow's start-up {with_startup} s = "
            f"{with_startup / dbt:.2f} ×. The whole run is {d['seconds'] / dbt:.2f} × the plain dbt build "
            f"(it also runs the loads, the quality gate and the report).", ""]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--national-runs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "fou-bench")
    ap.add_argument("--out", type=Path, default=PROJECT_DIR / "data" / "benchmarks")
    ap.add_argument("--only", default="stages,dbt,dag,incremental,scheduler,national,requests,queries")
    a = ap.parse_args()
    only = a.only.split(",")
    a.work.mkdir(parents=True, exist_ok=True)
    log = a.work / "bench.log"
    r: dict = {"machine": machine(), "targets": TARGETS}
    steps = [("stages", lambda: stages(a.work, a.runs, log)), ("dbt", lambda: plain_dbt(a.work, a.runs, log)),
             ("dag", lambda: dag(a.work, a.runs, log)),
             ("incremental", lambda: incremental(a.work, a.runs, log, r.get("dag", {}).get("seconds"))),
             ("scheduler", lambda: scheduler(a.work, a.runs, log)),
             ("national", lambda: national(a.work, a.national_runs, log)),
             ("requests", lambda: requests(a.work)), ("queries", lambda: queries(a.work))]
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
