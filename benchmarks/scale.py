"""National scale (8 → 26 → 290 municipalities), HTTP request counts and analyst queries."""

from __future__ import annotations

import json
import re
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from benchmarks.common import PROJECT_DIR, PY, base_env, fresh, json_lines, median, p95, run_child


def national(work: Path, runs: int, log: Path, sizes=(8, 26, 290), report: bool = True) -> dict:
    """The whole DAG's stages end to end per size, extracting live from the stand-ins of
    benchmarks/national_api.py (SCB's real limits), then the plain dbt build of the same data."""
    from benchmarks import national as gen

    made = gen.generate(work / "generated", sizes)
    out = {}
    for n, info in made.items():
        rows: dict[str, list] = {}
        dbt_s, dbt_mib = [], []
        for i in range(runs):
            d = fresh(work / f"national_{n}_{i}")
            o = stages_live(d, info, log, report)
            for row in json_lines(o):
                if "stage" in row:
                    rows.setdefault(row["stage"], []).append(row)
                elif "gate_failed" in row:
                    out.setdefault(n, {})["gate_failed"] = row["gate_failed"]
            s, mib = dbt_cli(d / "work", work, log)  # where Settings.work_db lies
            dbt_s.append(s)
            dbt_mib.append(mib)
        next_month = national_next_month(work / f"national_{n}_0", info, log, report)
        import duckdb

        with duckdb.connect(str(work / f"national_{n}_0" / "warehouse" / "fou_nordvast.duckdb"), read_only=True) as con:
            counts = {
                t: con.execute(f"select count(*) from {t}").fetchone()[0]
                for t in (
                    "raw.scb_population_cells",
                    "marts.fct_population",
                    "raw.kolada_values",
                    "marts.fct_oj_results",
                )
            }
        stages = {
            s: {"seconds": median([r["seconds"] for r in v]), "peak_mib": median([r["peak_mib"] for r in v])}
            for s, v in rows.items()
        }
        stages["extract"]["rate_limit_wait_s"] = median([r.get("rate_limit_wait_s") for r in rows["extract"]])
        dag_s = round(sum(v["seconds"] for v in stages.values()), 2)
        out.setdefault(n, {}).update(
            {
                "stages": stages,
                "dag_s": dag_s,
                "dag_peak_mib": max(v["peak_mib"] for v in stages.values()),
                "plain_dbt_s": median(dbt_s),
                "plain_dbt_mib": median(dbt_mib),
                "rows": counts,
                "scb_answers": info["scb"],
                "scb_cells": sum(t["cells"] for t in info["scb"].values()),
                "runs": runs,
                "next_month": next_month,
            }
        )
    return out


def national_next_month(d: Path, info: dict, log: Path, report: bool) -> dict:
    """The monthly run a national body would have a month later, in the first run's data dir:
    SCB's monthly TAB6471 has a new month; TAB638 (discontinued) and TAB5557 are unchanged, so
    only their /tables/{id} answers are fetched, and dbt rebuilds what SCB's data feeds."""
    o = stages_live(d, info, log, report, next_month=True)
    stages = {row["stage"]: row for row in json_lines(o) if "stage" in row}
    return {
        "stages": {s: {"seconds": v["seconds"], "peak_mib": v["peak_mib"]} for s, v in stages.items()},
        "dag_s": round(sum(v["seconds"] for v in stages.values()), 2),
    }


def stages_live(d: Path, info: dict, log: Path, report: bool, next_month: bool = False) -> str:
    """benchmarks/stages.py in data dir `d`, SCB live from its stand-in; returns its output."""
    with api(info["snapshot"], log, next_month) as url:
        env = {
            **base_env(d.parent),
            "FOU_REGION_CONFIG": info["config"],
            "FOU_SOURCE_MODE": "live",
            "FOU_SCB_BASE_URL": url,
            "NO_PROXY": "127.0.0.1,localhost",
        }
        _, _, o, rc = run_child(
            [PY, "-m", "benchmarks.stages", "--data-dir", str(d), "--gate-may-fail", "--kolada-snapshot"]
            + ([] if report else ["--no-report"]),
            env,
            log,
        )
    if rc:
        raise SystemExit(f"national run in {d} failed, see {log}")
    return o


@contextmanager
def api(snapshot: str, log: Path, next_month: bool = False):
    """benchmarks/national_api.py in a process of its own; yields its URL."""
    err = open(log, "ab")
    proc = subprocess.Popen(
        [PY, "-m", "benchmarks.national_api", "--snapshot", snapshot] + (["--next-month"] if next_month else []),
        cwd=PROJECT_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=err,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"the national API stand-in did not start, see {log}")
        yield json.loads(line)["url"]
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        err.close()


def dbt_cli(warehouse: Path, work: Path, log: Path) -> tuple[float, float]:
    """The plain `dbt build` CLI on a loaded work database, as benchmarks/run.py's floor: run in
    the database's folder with a relative path, so the profile is the same for every size and
    dbt parses only once (the first size gets a warm-up run with the full parse)."""
    target = work / "dbt_national_target"
    args = [
        str(Path(PY).parent / "dbt"),
        "build",
        "--project-dir",
        str(PROJECT_DIR / "dbt_project"),
        "--profiles-dir",
        str(PROJECT_DIR / "dbt_project"),
        "--target-path",
        str(target),
        "--log-path",
        str(work / "dbt_national_logs"),
    ]
    env = {**base_env(work), "FOU_WORK_DB": "work.duckdb"}
    for _ in range(1 if (target / "partial_parse.msgpack").exists() else 2):
        wall, peak, _, rc = run_child(args, env, log, cwd=warehouse)
        if rc:
            raise SystemExit(f"plain dbt build in {warehouse} failed, see {log}")
    return round(wall, 2), round(peak, 1)


def queries(work: Path, repeat: int = 20) -> dict:
    import duckdb

    blocks = []
    for doc in (PROJECT_DIR / "README.md", PROJECT_DIR / "docs" / "analysts.md"):
        blocks += [
            (doc.name, b.strip()) for b in re.findall(r"```sql\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
        ]
    db = work / "national_290_0" / "warehouse" / "fou_nordvast.duckdb"
    out = []
    with duckdb.connect(str(db), read_only=True) as con:
        for doc, sql in blocks:
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                rows = con.execute(sql).fetchall()
                times.append((time.perf_counter() - t) * 1000)
            out.append(
                {
                    "doc": doc,
                    "query": " ".join(sql.split())[:70],
                    "rows": len(rows),
                    "median_ms": median(times),
                    "p95_ms": p95(times),
                }
            )
    return {"database": "national_290 (generated population, generated ÖJ values)", "repeat": repeat, "queries": out}


def requests(work: Path) -> dict:
    from benchmarks import requests_bench

    out = requests_bench.run(fresh(work / "requests"))
    # national scale: the client's own split (benchmarks/national.py uses scb.split_selection)
    made = (
        json.loads((work / "generated" / "snapshot_290" / "done.json").read_text())
        if (work / "generated" / "snapshot_290" / "done.json").exists()
        else None
    )
    if made:
        import math

        calls = sum(v["calls"] for v in made.values()) + 3
        out["scb_national_290"] = {
            "tables": {t: {**v, "floor": math.ceil(v["cells"] / 150_000)} for t, v in made.items()},
            "calls_total": calls,
            "naive_data_calls": 292 * 58,
            "minimum_seconds_at_30_per_10s": (math.ceil(calls / 30) - 1) * 10,
        }
    return out
